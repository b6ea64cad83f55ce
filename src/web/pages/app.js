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

const NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
// C/N0 dB-Hz: weak red .. strong green; grey: not tracked.
const snrColour = (c) => c === null ? "#bbb" : c < 25 ? "#d9453b" : c < 35 ? "#f0a030" : c < 45 ? "#9bc53d" : "#2e9e44";
// Per constellation: letter and outline colour.
const SYS = { BDS: ["C", "#14324a"], GPS: ["G", "#7a3fb0"], GLONASS: ["R", "#b03f6b"], Galileo: ["E", "#2f7fc1"], QZSS: ["J", "#8a7a00"], NavIC: ["I", "#555"], unknown: ["?", "#999"] };
const swatch = (parent, colour, text) => { const b = el("b"); b.style.background = colour; parent.append(b, text); };
const txt = (x, y, t, a) => svg("text", { x, y, "text-anchor": "middle", ...a }, t);

function drawSky(sky) {
  const p = $("sky"), bars = $("bars"), leg = $("sky-legend");
  p.textContent = bars.textContent = leg.textContent = "";
  for (const e of [0, 30, 60]) p.append(svg("circle", { r: (100 * (90 - e)) / 90, fill: e ? "none" : "#f7f9fb", stroke: "#c5cfd8" }));
  p.append(svg("path", { d: "M-100 0H100M0-100V100", stroke: "#e3e8ee" }));
  for (const [d, x, y] of [["N", 0, -102], ["E", 106, 3], ["S", 0, 109], ["W", -106, 3]]) p.append(txt(x, y, d));
  const all = [];
  for (const sys in sky || {}) {
    const [letter, colour] = SYS[sys] || SYS.unknown;
    swatch(leg, colour, `${sys} ${sky[sys].length} `);
    for (const [id, e, a, c] of sky[sys]) {
      all.push([letter + id, c, colour]);
      if (e === null || a === null) continue; // no direction: a bar only
      const r = (100 * (90 - e)) / 90, rad = (a * Math.PI) / 180;
      const g = svg("g", { class: "sat", "data-sys": sys, "data-id": id, transform: `translate(${(r * Math.sin(rad)).toFixed(1)},${(-r * Math.cos(rad)).toFixed(1)})` });
      const look = { fill: snrColour(c), stroke: colour, "stroke-width": 2 };
      g.append(sys === "BDS" ? svg("circle", { r: 6, ...look }) : svg("rect", { x: -5.5, y: -5.5, width: 11, height: 11, ...look }));
      g.append(txt(0, 16, letter + id));
      g.append(svg("title", {}, `${sys} ${id}: elevation ${e}°, azimuth ${a}°, C/N0 ${c === null ? "not tracked" : c + " dB-Hz"}`));
      p.append(g);
    }
  }
  if (!all.length) p.append(txt(0, 4, "no satellites in view (no GSV)"));
  leg.append(" C/N0:");
  for (const c of [20, 30, 40, 50]) swatch(leg, snrColour(c), c === 50 ? "≥45" : `<${c + 5}`);
  const w = 400 / Math.max(all.length, 16);
  all.forEach(([label, c, colour], i) => {
    const h = c === null ? 0 : (Math.min(c, 55) / 55) * 62;
    bars.append(svg("rect", { x: i * w + 1, y: 74 - h, width: w - 2, height: h, fill: snrColour(c) }));
    if (c !== null) bars.append(txt(i * w + w / 2, 72 - h, String(Math.round(c))));
    bars.append(txt(i * w + w / 2, 86, label, { fill: colour }));
  });
}

function drawBeams(b) {
  const p = $("beams");
  p.textContent = "";
  if (!b) return p.append(svg("text", { x: 4, y: 35 }, b === null ? "no BSI received yet" : "not connected"));
  b.power.forEach((v, i) => {
    const h = (v / 4) * 48, x = i * 22 + 2;
    p.append(svg("rect", { x, y: 52 - h, width: 18, height: h, fill: i + 1 === b.response ? "#2f7fc1" : "#8fb3d1" }));
    p.append(txt(x + 9, 64, String(i + 1)));
    p.append(txt(x + 9, 50 - h, String(v)));
  });
}

// Datagrams/s per group from successive counter readings, last 5 minutes.
const hist = [];
const PALETTE = ["#14324a", "#2e9e44", "#d9453b", "#f0a030", "#7a3fb0", "#2f7fc1", "#8a7a00", "#b03f6b"];
function drawRates(out) {
  const now = Date.now();
  hist.push({ t: now, out: out || {} });
  while (hist.length > 2 && now - hist[0].t > 300000) hist.shift();
  const p = $("rates"), leg = $("rates-legend");
  p.textContent = leg.textContent = "";
  const groups = [];
  for (const h of hist) for (const g in h.out) if (groups.indexOf(g) < 0) groups.push(g);
  const series = groups.map((g) => hist.slice(1).map((h, i) => {
    const dt = (h.t - hist[i].t) / 1000, d = (h.out[g] || 0) - (hist[i].out[g] || 0);
    return [h.t, dt > 0 && d >= 0 ? d / dt : 0];
  }));
  let max = 1;
  for (const s of series) for (const [, r] of s) max = Math.max(max, r);
  // Time axis: what was seen, 1 to 5 minutes.
  const span = Math.max(60000, now - hist[0].t);
  p.append(svg("text", { x: 2, y: 9 }, `${max.toFixed(1)}/s, last ${Math.round(span / 1000)} s`), svg("path", { d: "M0 95H400", stroke: "#c5cfd8" }));
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const pts = s.map(([t, r]) => `${(400 - ((now - t) / span) * 400).toFixed(1)},${(95 - (r / max) * 82).toFixed(1)}`);
    if (pts.length) p.append(svg("polyline", { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": 1.5, class: "rate" }));
    swatch(leg, colour, `${groups[i]} ${s.length ? s[s.length - 1][1].toFixed(1) : "0"}/s `);
  });
}

async function refresh() {
  const s = await api("GET", "/api/status");
  drawSky(s.sky);
  drawBeams(s.beams);
  drawRates(s.network && s.network.out);
  const f = $("fixes");
  f.textContent = "";
  row(f, "RNSS", fix(s.rnss), "fix-rnss");
  row(f, "RDSS", fix(s.rdss), "fix-rdss");
  const t = $("status");
  t.textContent = "";
  row(t, "uptime", Math.floor(s.uptimeS) + " s");
  const m = s.terminal;
  if (m) {
    row(t, "terminal", `${m.link}, last sentence ${age(m.lastSentenceAgeS)}`);
    row(t, "sentences", String(m.sentences), "st-sentences");
    row(t, "bytes", String(m.bytes), "st-bytes");
    row(t, "rejects", counts(m.rejects));
    if (m.family) row(t, "family", m.family + (m.familyDetected ? " (set; detected " + m.familyDetected + ")" : ""));
  }
  if (s.pwi) {
    const l = (b) => b.map((x) => x.beam + ":" + x.signal.join("/")).join(" ") || "none";
    row(t, "beams (PWI)", "BDS-3 " + l(s.pwi.bds3) + "; BDS-2 " + l(s.pwi.bds2));
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
    // Break only between alternatives, never inside a number.
    tr.append(th, td, el("td", s.range.replace(/\|/g, "|\u200b") + " ", "r"));
    tr.lastChild.append(s.apply === "restart" ? el("span", "[restart]", "restart") : el("span", "[live]", "live"));
    if (c.unsaved.indexOf(s.key) >= 0) th.append(" ", el("span", "(unsaved)", "unsaved"));
    t.append(tr);
  }
  $("unsaved").textContent = c.unsaved.length ? `unsaved: ${c.unsaved.join(" ")} (Save keeps them)` : "";
}

async function applyConfig(ev) {
  ev.preventDefault();
  $("cfg-error").textContent = $("cfg-msg").textContent = "";
  for (const x of $("settings").querySelectorAll(".fielderr")) x.remove();
  const body = {};
  for (const i of $("settings").querySelectorAll("input,select")) {
    i.classList.remove("bad");
    if (i.value !== i.dataset.orig) body[i.name] = i.value;
  }
  if (!Object.keys(body).length) { $("cfg-msg").textContent = "nothing changed"; return; }
  try {
    const r = await api("POST", "/api/config", body);
    await loadConfig();
    $("cfg-msg").textContent = `applied ${r.changed.join(" ")}${r.restart.length ? " (after save + reboot: " + r.restart.join(" ") + ")" : ""}`;
  } catch (e) {
    const k = e.data && e.data.key;
    const input = k && document.getElementsByName(k)[0];
    if (!input) { $("cfg-error").textContent = e.message; return; }
    // The refusal beside its field, in view.
    input.classList.add("bad");
    input.after(el("span", e.message, "fielderr"));
    input.scrollIntoView({ block: "center" });
    input.focus();
    $("cfg-error").textContent = "refused: " + k;
  }
}

async function loadLog() {
  const r = await api("GET", "/api/log?n=50");
  const l = $("log");
  l.textContent = "";
  for (const e of r.events.slice().reverse()) l.append(el("li", `${new Date(e.time).toISOString().slice(0, 19)}Z ${e.code} ${e.text}`));
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
  // One check at a time (a second would meet 429).
  const b = $("login").querySelector("button");
  b.disabled = true;
  try {
    const r = await api("POST", "/api/login", { password: $("password").value });
    csrf = r.csrf;
    sessionStorage.setItem("csrf", csrf);
    $("password").value = "";
    show(true);
  } catch (e) { $("login-error").textContent = e.message; } finally { b.disabled = false; }
};
$("logout").onclick = () => api("POST", "/api/logout").finally(() => { sessionStorage.removeItem("csrf"); show(false); });
$("config").onsubmit = applyConfig;
$("reset").onclick = () => say("reset-done", api("POST", "/api/counters/reset"));
$("save").onclick = () => say("sys-msg", api("POST", "/api/save").then((r) => loadConfig().then(() => r)));
$("reboot").onclick = () => { if (confirm("Reboot the gateway?")) say("sys-msg", api("POST", "/api/reboot")); };
$("locate").onclick = () => say("term-msg", api("POST", "/api/locate"));
$("msg").onsubmit = (ev) => { ev.preventDefault(); say("term-msg", api("POST", "/api/message", { to: $("msg-to").value, text: $("msg-text").value })); };

api("GET", "/api/status").then(() => show(!!csrf), () => show(false));
