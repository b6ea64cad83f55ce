"use strict";
// bd450 web page: plain DOM + fetch against /api (docs/web.md). Values are shown with
// textContent only, never as HTML.
const $ = (id) => document.getElementById(id);
let csrf = sessionStorage.getItem("csrf") || "";
let timer = 0;

async function api(method, path, body) {
  const h = {};
  if (method === "POST") { h["X-CSRF-Token"] = csrf; h["Content-Type"] = "application/json"; }
  const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  let data = {};
  try { data = await r.json(); } catch (e) { /* empty body */ }
  if (r.status === 401 && path !== "/api/login") { show(false); throw new Error("logged out"); }
  if (!r.ok) { const e = new Error(data.error || r.statusText); e.data = data; throw e; }
  return data;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function row(table, name, value, id) {
  const tr = el("tr");
  tr.append(el("th", name));
  const td = el("td", value);
  if (id) td.id = id;
  tr.append(td);
  table.append(tr);
}

const counts = (o) => { const p = []; for (const k in o || {}) if (o[k]) p.push(k + " " + o[k]); return p.length ? p.join(", ") : "none"; };
const age = (s) => s === undefined || s === null ? "never" : s < 120 ? s.toFixed(1) + " s ago" : (s / 60).toFixed(1) + " min ago";
const fix = (f) => f === undefined ? "not connected" : f === null ? "no fix yet" :
  `${f.lat.toFixed(5)} ${f.lon.toFixed(5)}${f.time ? " at " + f.time : ""}${f.quality ? ", " + f.quality : ""}${f.satellites !== undefined ? ", " + f.satellites + " sats" : ""}, ${age(f.ageS)}`;

async function refresh() {
  const s = await api("GET", "/api/status");
  const t = $("status");
  t.textContent = "";
  row(t, "uptime", Math.floor(s.uptimeS) + " s");
  const m = s.terminal;
  if (m) {
    row(t, "terminal", `${m.link}, last sentence ${age(m.lastSentenceAgeS)}`);
    row(t, "sentences", String(m.sentences), "st-sentences");
    row(t, "bytes", String(m.bytes), "st-bytes");
    row(t, "rejects", counts(m.rejects));
    if (m.family) row(t, "family", m.family + (m.familyDetected ? " (setting; detected " + m.familyDetected + ")" : ""), "st-family");
  }
  row(t, "RNSS fix", fix(s.rnss));
  row(t, "RDSS fix", fix(s.rdss));
  row(t, "beams", s.beams ? `response ${s.beams.response}, power ${s.beams.power.join(" ")}` : s.beams === null ? "no BSI yet" : "not connected");
  if (s.pwi) {
    const list = (b) => (b.length ? b.map((x) => x.beam + ":" + x.signal.join("/")).join(" ") : "none");
    row(t, "beams (PWI)", "BDS-3 " + list(s.pwi.bds3) + "; BDS-2 " + list(s.pwi.bds2), "st-pwi");
  }
  row(t, "IC card", s.card ? `${s.card.userId}${s.card.level !== undefined ? ", level " + s.card.level : ""}${s.card.frequencyS !== undefined ? ", interval " + s.card.frequencyS + " s" : ""}` : s.card === null ? "no ICI yet" : "not connected");
  if (s.network) {
    row(t, "network", `${s.network.link}, ${s.network.address}`);
    row(t, "datagrams out", counts(s.network.out), "st-out");
    row(t, "datagrams in", s.network.in ? counts(s.network.in) : "no receiver");
    row(t, "errors", counts(s.network.errors));
  }
  if (s.heap && s.heap.used !== undefined) row(t, "heap", s.heap.used + " B used");
  const a = $("alerts");
  a.textContent = "";
  for (const x of s.alerts || []) {
    const li = el("li", `${x.id} ${x.state}: ${x.text} `);
    const b = el("button", "Acknowledge");
    b.onclick = () => api("POST", "/api/alerts/ack", { id: x.id }).then(refresh, (e) => alert(e.message));
    li.append(b);
    a.append(li);
  }
  if (!a.firstChild) a.append(el("li", "none"));
}

async function loadConfig() {
  const c = await api("GET", "/api/config");
  const t = $("settings");
  t.textContent = "";
  for (const s of c.settings) {
    const tr = el("tr");
    const th = el("th", s.key);
    th.title = s.help;
    let input;
    if (s.kind === "bool" || s.kind === "enum") {
      input = el("select");
      for (const v of s.kind === "bool" ? ["on", "off"] : s.choices) input.append(el("option", v));
      input.value = s.kind === "bool" ? (s.value ? "on" : "off") : s.value;
    } else {
      input = el("input");
      input.type = s.secret ? "password" : "text";
      input.value = s.secret ? "" : String(s.value);
      if (s.secret) input.placeholder = s.set ? "(set; type to change)" : "(not set)";
    }
    input.name = s.key;
    input.dataset.orig = input.value;
    const td = el("td");
    td.append(input);
    tr.append(th, td, el("td", s.range + " ", "r"));
    if (s.apply === "restart") tr.lastChild.append(el("span", "[restart]", "restart"));
    t.append(tr);
  }
}

async function applyConfig(ev) {
  ev.preventDefault();
  $("cfg-error").textContent = $("cfg-msg").textContent = "";
  const body = {};
  for (const i of $("settings").querySelectorAll("input,select")) {
    i.classList.remove("bad");
    if (i.value !== i.dataset.orig) body[i.name] = i.value;
  }
  if (!Object.keys(body).length) { $("cfg-msg").textContent = "nothing changed"; return; }
  try {
    const r = await api("POST", "/api/config", body);
    await loadConfig();
    $("cfg-msg").textContent = `applied ${r.changed.join(" ")}${r.restart.length ? " (after save + reboot: " + r.restart.join(" ") + ")" : ""}; not saved yet`;
  } catch (e) {
    $("cfg-error").textContent = e.message;
    const k = e.data && e.data.key;
    if (k && document.getElementsByName(k)[0]) document.getElementsByName(k)[0].classList.add("bad");
  }
}

async function loadLog() {
  const r = await api("GET", "/api/log?n=50");
  const l = $("log");
  l.textContent = "";
  for (const e of r.events) l.append(el("li", `${new Date(e.time).toISOString().slice(0, 19)}Z ${e.code} ${e.text}`));
}

function say(id, p) {
  p.then((r) => { $(id).textContent = r.sent ? "sent " + r.sent : "done"; }, (e) => { $(id).textContent = "error: " + e.message; });
}

function show(on) {
  clearInterval(timer);
  $("app").hidden = !on;
  $("logout").hidden = !on;
  $("login").hidden = on;
  if (!on) return;
  refresh();
  loadConfig();
  loadLog();
  let n = 0;
  timer = setInterval(() => { refresh().catch(() => {}); if (++n % 5 === 0) loadLog().catch(() => {}); }, 1000);
}

$("login").onsubmit = async (ev) => {
  ev.preventDefault();
  $("login-error").textContent = "";
  try {
    const r = await api("POST", "/api/login", { password: $("password").value });
    csrf = r.csrf;
    sessionStorage.setItem("csrf", csrf);
    $("password").value = "";
    show(true);
  } catch (e) { $("login-error").textContent = e.message; }
};
$("logout").onclick = () => api("POST", "/api/logout").finally(() => { sessionStorage.removeItem("csrf"); show(false); });
$("config").onsubmit = applyConfig;
$("reset").onclick = () => say("reset-done", api("POST", "/api/counters/reset"));
$("save").onclick = () => say("sys-msg", api("POST", "/api/save"));
$("reboot").onclick = () => { if (confirm("Reboot the gateway?")) say("sys-msg", api("POST", "/api/reboot")); };
$("locate").onclick = () => say("term-msg", api("POST", "/api/locate"));
$("msg").onsubmit = (ev) => { ev.preventDefault(); say("term-msg", api("POST", "/api/message", { to: $("msg-to").value, text: $("msg-text").value })); };

api("GET", "/api/status").then(() => show(!!csrf), () => show(false));
