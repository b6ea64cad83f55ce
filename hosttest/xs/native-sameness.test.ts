// Proof of sameness: the native byte helpers (src/native/bytes.c, xsmc) give
// byte-identical results to the TypeScript reference (src/core/bytes.ts), run on a
// real XS build that links them (the XS test host: the SDK's xst built from its
// xs/ sources with metering, scripts/build-xs-host.sh).
//  1. The whole firmware wiring over the whole NMEA corpus at several chunkings:
//     native on XS, TypeScript on XS and the Node reference give the same datagrams,
//     UART output and counters.
//  2. Each helper against its TypeScript twin, in the same XS machine, over seeded
//     generated input: corpus lines mutated byte by byte, random bytes, random TAG
//     parameters; results, output buffers and thrown errors compared.
// The oracle of part 2 is the TypeScript code, which the rest of the suite tests
// against independent oracles; the native code is the code under test.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NMEA_CORPUS } from "../lib/paths";
import { skipBecause } from "../lib/skip";
import { chunkStream } from "./chunking";
import { type Datagram, runGatewayOnNode } from "./xs-harness";
import { NATIVE_BYTES_JS, runGatewayOnXsh, runXsh, XSH_DIR, xshBinary, xshBundle } from "./xsh";

// The repository's own copy of the corpus (a clone alone must test itself).
const corpus = NMEA_CORPUS;

function corpusBytes(): Uint8Array {
  const parts = fs
    .readdirSync(corpus)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => fs.readFileSync(path.join(corpus, f)));
  return new Uint8Array(Buffer.concat(parts));
}

function diffDatagrams(a: Datagram[], b: Datagram[], what: string): string | undefined {
  if (a.length !== b.length) return `${what}: ${a.length} vs ${b.length} datagrams`;
  for (let i = 0; i < a.length; i++) {
    if (
      a[i].address !== b[i].address ||
      a[i].port !== b[i].port ||
      Buffer.compare(Buffer.from(a[i].bytes), Buffer.from(b[i].bytes)) !== 0
    )
      return `${what}: datagram ${i} differs:\n ${Buffer.from(a[i].bytes).toString("latin1")}\n ${Buffer.from(b[i].bytes).toString("latin1")}`;
  }
  return undefined;
}

describe("native byte helpers on a real XS build: byte-identical to the TypeScript reference", function () {
  this.timeout(300000);
  let all: Uint8Array;

  before(function () {
    const bin = xshBinary();
    if (!bin.path) skipBecause(this, bin.reason ?? "no XS test host");
    all = corpusBytes();
    assert.ok(all.length > 500000, `corpus: ${all.length} bytes`);
  });

  for (const [seed, maxChunk] of [
    [7, 1],
    [13, 200],
    [17, 2000],
  ] as const) {
    it(`whole corpus, firmware wiring, chunks of 1..${maxChunk} bytes: native = TypeScript on XS = Node`, () => {
      const chunks = chunkStream(all, seed, maxChunk);
      const options = { config: { tagTime: true } };
      const native = runGatewayOnXsh(chunks, { ...options, native: true });
      const ts = runGatewayOnXsh(chunks, options);
      const node = runGatewayOnNode(chunks, options);
      return node.then((n) => {
        assert.ok(native.datagrams.length > 10000, `${native.datagrams.length} datagrams`);
        for (const d of [
          diffDatagrams(native.datagrams, ts.datagrams, "native vs TS on XS"),
          diffDatagrams(native.datagrams, n.datagrams, "native vs Node"),
        ])
          assert.equal(d, undefined, d);
        assert.deepEqual(
          native.uartOut.map((b) => Buffer.from(b).toString("latin1")),
          n.uartOut.map((b) => Buffer.from(b).toString("latin1")),
        );
        assert.deepEqual(native.stats, n.stats);
        assert.deepEqual(ts.stats, n.stats);
      });
    });
  }

  it("each helper against its TypeScript twin on 144,000 generated inputs (same XS machine)", () => {
    fs.mkdirSync(XSH_DIR, { recursive: true });
    const lines = Buffer.from(all)
      .toString("latin1")
      .split(/\r?\n/)
      .filter((l) => l.length > 3 && l.length < 300)
      .slice(0, 4000);
    const file = path.join(XSH_DIR, `lines-${process.pid}.txt`);
    fs.writeFileSync(file, Buffer.from(lines.join("\n"), "latin1"));
    try {
      const out = runXsh(
        xshBundle(
          ["src/core/bytes"],
          `
      const B = require("src/core/bytes"), ts = B.tsBytes;
      // Routes of some corpus formatters (GGA, RMC, GSV, TXR, ALF) and field limits (TXR, TXA).
      const routes = new Map([[0x474741, 4], [0x524d43, 4], [0x475356, 5], [0x545852, 6], [0x414c46, 17]]);
      const limits = new Map([[0x545852, 4], [0x545841, 3]]);
      const nat = ${NATIVE_BYTES_JS};
      const text = new Uint8Array(XSH.readFile(${JSON.stringify(file)}));
      const lines = [];
      for (let s = 0, i = 0; i <= text.length; i++) if (i === text.length || text[i] === 10) { lines.push(text.slice(s, i)); s = i + 1; }
      let seed = 12345;
      const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
      const special = [0x24, 0x21, 0x2a, 0x5c, 0x2c, 0x0d, 0x0a, 0x00, 0x7f, 0x80, 0xff, 0x20, 0x7e, 0x41, 0x30, 0x6e, 0x3a];
      function mutate(src) {
        const b = new Uint8Array(src.length + rnd(3));
        b.set(src.subarray(0, Math.min(src.length, b.length)));
        const edits = rnd(4);
        for (let k = 0; k < edits; k++) b[rnd(b.length)] = rnd(2) ? special[rnd(special.length)] : rnd(256);
        return b;
      }
      function call(f, args) { try { const r = f.apply(undefined, args); return Object.is(r, -0) ? "-0" : "" + r; } catch (e) { return "throws " + e.constructor.name; } }
      function same(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
      let checks = 0, failures = [];
      function check(name, input, argsTs, argsNat, outTs, outNat) {
        checks++;
        const rt = call(ts[name], argsTs), rn = call(nat[name], argsNat);
        if (rt !== rn || (outTs && !same(outTs, outNat))) if (failures.length < 5) failures.push(name + ": ts " + rt + " native " + rn + " on " + Array.from(input).join(","));
      }
      for (let t = 0; t < 8000; t++) {
        const src = lines[rnd(lines.length)];
        const b = rnd(4) ? mutate(src) : src;
        const n = b.length;
        // scanText: from a random start, into a buffer with random fill and size.
        const start = rnd(n + 1), end = start + rnd(n - start + 1), size = 1 + rnd(120), len = rnd(size + 1);
        const bt = new Uint8Array(size), bn = new Uint8Array(size);
        check("scanText", b, [b, start, end, bt, len], [b, start, end, bn, len], bt, bn);
        check("checkSentence", b, [b, n], [b, n]);
        const cut = rnd(n + 1);
        check("checkSentence", b, [b, cut], [b, cut]);
        check("xor", b, [b, start, end], [b, start, end]);
        // frameText: between units (io[0] = 0) and inside one (a random length already in buf), both each time,
        // quiet (rejects counted, framing goes on) or not; every counter it adds to is compared.
        for (const unit of [0, len]) {
          const ft = new Uint16Array(2), fn = new Uint16Array(2), ftb = new Uint8Array(size), fnb = new Uint8Array(size);
          ft[0] = fn[0] = unit;
          for (let k = 0; k < size; k++) ftb[k] = fnb[k] = k;
          // The tally (the framer's counters as 14 64-bit counts), from nonzero counts, some about to carry.
          const tt2 = new Uint32Array(28), tn2 = new Uint32Array(28);
          for (let k = 0; k < 28; k++) tt2[k] = tn2[k] = k % 2 ? k : 0xffffffff - rnd(3);
          const ft2 = new Uint8Array(tt2.buffer), fn2 = new Uint8Array(tn2.buffer), quiet = rnd(2) === 1;
          check("frameText", b, [b, start, end, ftb, new Uint8Array(ft.buffer), ft2, quiet], [b, start, end, fnb, new Uint8Array(fn.buffer), fn2, quiet], ftb, fnb);
          if ((ft[0] !== fn[0] || ft[1] !== fn[1] || !same(tt2, tn2)) && failures.length < 5)
            failures.push("frameText io " + ft[0] + "," + ft[1] + "," + Array.from(tt2) + " vs " + fn[0] + "," + fn[1] + "," + Array.from(tn2) + " on " + Array.from(b).join(","));
        }
        const max = 1 + rnd(30), tt = new Uint8Array(4 * (max + 1)), tn = new Uint8Array(4 * (max + 1)), bodyEnd = rnd(n + 1);
        check("fieldIndex", b, [b, bodyEnd, tt, max], [b, bodyEnd, tn, max], tt, tn);
        // With the number table (doubles compared with Object.is: NaN equal, -0 apart; then the characters).
        const nt = new Uint8Array(42 * (max + 1) + 8 * rnd(2)), nn = new Uint8Array(nt.length);
        check("fieldIndex", b, [b, bodyEnd, tt, max, nt], [b, bodyEnd, tn, max, nn], tt, tn);
        const dt = new Float64Array(nt.buffer, 0, 5 * (max + 1)), dn = new Float64Array(nn.buffer, 0, 5 * (max + 1));
        for (let k = 0; k < dt.length; k++) if (!Object.is(dt[k], dn[k])) { if (failures.length < 5) failures.push("fieldIndex numbers[" + k + "]: ts " + dt[k] + " native " + dn[k] + " on " + Array.from(b).join(",")); break; }
        if (!same(nt.subarray(40 * (max + 1), 42 * (max + 1)), nn.subarray(40 * (max + 1), 42 * (max + 1))) && failures.length < 5) failures.push("fieldIndex characters on " + Array.from(b).join(","));
        // fieldIds over that table (IDs, field positions; runs past the table's end throw), with
        // either output left out; and over a GSA-like run of the line itself (max 64, as Fields).
        {
          const from = rnd(max + 2), to = from + rnd(max + 3 - from), step = 1 + rnd(4), lo = rnd(3) ? rnd(2) : rnd(1200) - 100, cap = rnd(12);
          const it = new Uint8Array(2 * cap + rnd(3)), inn = new Uint8Array(it.length), at = new Uint8Array(cap + rnd(2)), an = new Uint8Array(at.length);
          const withIds = rnd(4) !== 0, withAt = rnd(2) === 0;
          check("fieldIds", b, [nt, max, from, to, step, lo, withIds ? it : undefined, cap, withAt ? at : undefined], [nn, max, from, to, step, lo, withIds ? inn : undefined, cap, withAt ? an : undefined], it, inn);
          if (!same(at, an) && failures.length < 5) failures.push("fieldIds at on " + Array.from(b).join(","));
          const ft = new Uint8Array(42 * 65), fnn = new Uint8Array(42 * 65), tt3 = new Uint8Array(4 * 65);
          ts.fieldIndex(b, n, tt3, 64, ft);
          nat.fieldIndex(b, n, tt3, 64, fnn);
          const gt = new Uint8Array(64), gn = new Uint8Array(64), pt = new Uint8Array(32), pn = new Uint8Array(32), s2 = rnd(2) ? 1 : 4;
          const f2 = 3 + rnd(2), t2 = f2 + rnd(40), lo2 = s2 === 1 ? 0 : 1;
          check("fieldIds", b, [ft, 64, f2, t2, s2, lo2, gt, 32, pt], [fnn, 64, f2, t2, s2, lo2, gn, 32, pn], gt, gn);
          if (!same(pt, pn) && failures.length < 5) failures.push("fieldIds at (64) on " + Array.from(b).join(","));
        }
        // wholes: columns of that table (GSV-like positions) and of random doubles (ties at .5,
        // negative, NaN, -0, huge), into 1- or 2-byte integers; past the source's end it throws.
        {
          const k = rnd(6), width = 1 + rnd(2), at = rnd(4), off = rnd(3) ? rnd(4) : 65 + rnd(2);
          const idx = new Uint8Array(k + rnd(2));
          for (let c = 0; c < idx.length; c++) idx[c] = rnd(3) ? rnd(max + 1) : rnd(40);
          const lo = rnd(2) ? [-90, 0, 1][rnd(3)] : rnd(80000) - 40000, hi = rnd(2) ? [90, 360, 127, 999][rnd(4)] : rnd(80000) - 40000, none = rnd(2) ? -128 : rnd(80000) - 40000;
          const ot = new Uint8Array(Math.max(0, width * (at + k) + rnd(2) - (rnd(8) ? 0 : 1))), on = new Uint8Array(ot.length);
          check("wholes", b, [nt, idx, off, k, lo, hi, none, ot, at, width], [nn, idx, off, k, lo, hi, none, on, at, width], ot, on);
          const dv = new Float64Array(16);
          for (let c = 0; c < 16; c++) dv[c] = rnd(6) ? (rnd(900000) - 200000) / [1, 2, 10, 1000][rnd(4)] : [NaN, -0, 0.5, -0.5, 1e300, -1e300, 89.5, 359.49999999999994][rnd(8)];
          const dIdx = new Uint8Array(8);
          for (let c = 0; c < 8; c++) dIdx[c] = rnd(16);
          const wt = new Uint8Array(16), wn = new Uint8Array(16), w2 = 1 + rnd(2);
          check("wholes", b, [new Uint8Array(dv.buffer), dIdx, 0, 8, -90 * w2, 360 * w2, -128, wt, 0, w2], [new Uint8Array(dv.buffer), dIdx, 0, 8, -90 * w2, 360 * w2, -128, wn, 0, w2], wt, wn);
        }
        const small = new Uint8Array(42 * (max + 1) - 8);
        check("fieldIndex", b, [b, bodyEnd, tt, max, small], [b, bodyEnd, tn, max, small]);
        check("decimal", b, [b, start, end], [b, start, end]);
        check("integer", b, [b, start, end], [b, start, end]);
        // Numbers: random digit strings (long mantissas, many fraction digits, signs).
        const num = new Uint8Array(1 + rnd(30));
        for (let k = 0; k < num.length; k++) num[k] = rnd(12) ? 0x30 + rnd(10) : [0x2e, 0x2d, 0x2b][rnd(3)];
        check("decimal", num, [num, 0, num.length], [num, 0, num.length]);
        check("integer", num, [num, 0, num.length], [num, 0, num.length]);
        const budget = rnd(70);
        check("chunkEnd", b, [b, start, n, budget], [b, start, n, budget]);
        const et = new Uint8Array(3 * n + 8), en = new Uint8Array(3 * n + 8), at = rnd(8);
        check("escape", b, [et, at, b, start, end], [en, at, b, start, end], et, en);
        // writeLine: random line count and seconds (or none), a buffer of 1472.
        const line = 1 + rnd(999), secs = rnd(3) ? 1767225600 + rnd(100000) : -1;
        const sfi = new Uint8Array([0x42, 0x44, 0x30 + rnd(10), 0x30, 0x30, 0x31]);
        const ot = new Uint8Array(1472), on = new Uint8Array(1472);
        // On 0 (not strictly carriable) the buffer's content is left unspecified.
        check("writeLine", b, [ot, sfi, line, secs, b, n], [on, sfi, line, secs, b, n], ts.writeLine(new Uint8Array(1472), sfi, line, secs, b, n) ? ot : undefined, on);
        // tagBlock: with or without g:, c: (a fraction too) and d:, at a random offset.
        const gTotal = rnd(3) ? 0 : 1 + rnd(99), gLine = 1 + rnd(99), gCode = 1 + rnd(99), tp = rnd(40);
        const dest = rnd(3) ? undefined : b.subarray(0, rnd(8)), tsec = secs >= 0 ? secs + rnd(1000) / 1000 : secs;
        const gt = new Uint8Array(200), gn = new Uint8Array(200);
        check("tagBlock", b, [gt, tp, sfi, line, tsec, gLine, gTotal, gCode, dest], [gn, tp, sfi, line, tsec, gLine, gTotal, gCode, dest], gt, gn);
        // With the resizable buffer under a length-tracking view (the encoder's): sized to the
        // datagram (the view's length compared with its bytes); seconds with a fraction.
        const st = new ArrayBuffer(rnd(2) ? 1472 : 100 + rnd(80), { maxByteLength: 1472 }), sn = new ArrayBuffer(st.byteLength, { maxByteLength: 1472 });
        const vt = new Uint8Array(st), vn = new Uint8Array(sn), fs = secs >= 0 ? secs + rnd(1000) / 1000 : secs;
        if (ts.writeLine(new Uint8Array(1472), sfi, line, fs, b, n))
          check("writeLine", b, [vt, sfi, line, fs, b, n, st], [vn, sfi, line, fs, b, n, sn], vt, vn);
        // carrierLine: a TAG block with g: (and c:, d: or not) and a carrier sentence of a random
        // piece of the line, escaped, at a random offset; out of range numbers throw.
        {
          const ct = new Uint8Array(1472), cn = new Uint8Array(1472), cp = rnd(300), cfrom = rnd(n + 1), cto = cfrom + rnd(n - cfrom + 1);
          const address = [new Uint8Array([0x24, 0x50, 0x58, 0x42, 0x44, 0x53, 0x2c]), new Uint8Array([0x24, 0x50, 0x41, 0x2c])][rnd(2)];
          const cl = rnd(20) ? 1 + rnd(999) : -1, cgl = rnd(20) ? 1 + rnd(99) : 100, cgt = rnd(20) ? 1 + rnd(99) : 0, cgc = rnd(20) ? rnd(100) : 100;
          check("carrierLine", b, [ct, cp, sfi, cl, tsec, cgl, cgt, cgc, dest, address, b, cfrom, cto], [cn, cp, sfi, cl, tsec, cgl, cgt, cgc, dest, address, b, cfrom, cto], ct, cn);
        }
        // forwardText: a block with routes and (or not) field limits, its state at random (between
        // units or inside one, the framer's JS path, a pending sentence, line counts about to wrap,
        // counts about to carry), each flag at random; results, buf, the whole block and, for a
        // datagram, its bytes (and the store's length) compared.
        for (let rep = 0; rep < 2; rep++) {
          const wt = B.forwardBlock(routes, rnd(2) ? limits : new Map()), wn = new Uint32Array(wt.length);
          const fsize = 1 + rnd(120), fb = new Uint8Array(fsize), gb = new Uint8Array(fsize);
          for (let k = 0; k < fsize; k++) fb[k] = gb[k] = rnd(3) ? b[k % n] || 0x41 : rnd(256);
          wt[B.FW_LEN] = rnd(12) ? (rnd(3) ? 0 : rnd(fsize + 1)) : B.FW_JS;
          if (rnd(6) === 0 && wt[B.FW_LEN] === 0) wt[B.FW_PENDING] = 1 + rnd(fsize);
          wt[B.FW_LINE] = rnd(2) ? 995 + rnd(5) : rnd(1000);
          for (let k = 0; k < 6; k++) new Uint8Array(wt.buffer)[4 * B.FW_SFI + k] = sfi[k];
          for (let k = B.FW_COUNTS; k < B.FW_TABLE; k++) wt[k] = k % 2 ? rnd(3) : 0xffffffff - rnd(600);
          wn.set(wt);
          const flags = rnd(16), fsec = rnd(4) ? 1767225600 + rnd(100000) + rnd(1000) / 1000 : -1;
          const resizable = rnd(2) === 1;
          const fst = resizable ? new ArrayBuffer(1472, { maxByteLength: 1472 }) : undefined, fsn = resizable ? new ArrayBuffer(1472, { maxByteLength: 1472 }) : undefined;
          const fot = resizable ? new Uint8Array(fst) : new Uint8Array(1472), fon = resizable ? new Uint8Array(fsn) : new Uint8Array(1472);
          const fstart = rnd(2) ? 0 : start, fend = rnd(2) ? n : end;
          checks++;
          const rt = call(ts.forwardText, [b, fstart, fend, fb, new Uint8Array(wt.buffer), fot, fst, fsec, flags]);
          const rn = call(nat.forwardText, [b, fstart, fend, gb, new Uint8Array(wn.buffer), fon, fsn, fsec, flags]);
          let bad = rt !== rn || !same(fb, gb) || !same(wt, wn);
          if (!bad && (+rt & 31) === B.A_SENT) bad = !same(fot.subarray(0, wt[B.FW_N]), fon.subarray(0, wn[B.FW_N])) || (resizable && fst.byteLength !== fsn.byteLength);
          if (bad && failures.length < 5) failures.push("forwardText: ts " + rt + " native " + rn + " flags " + flags + " words " + Array.from(wt).join(",") + " vs " + Array.from(wn).join(",") + " on " + Array.from(b).join(","));
        }
      }
      XSH.print(JSON.stringify({ checks, failures }));`,
        ),
      );
      const r = JSON.parse(out.trim().split("\n").pop()!);
      assert.deepEqual(r.failures, []);
      assert.ok(r.checks >= 144000, `${r.checks} checks`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
