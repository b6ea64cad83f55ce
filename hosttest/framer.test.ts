import * as assert from "node:assert/strict";
import { RDSS40_COMMAND_KEYS } from "../src/beidou/table";
import { REJECT_REASONS, type RejectReason, SentenceFramer } from "../src/core/framer";
import { asciiBytes, latin1, withChecksum } from "../src/nmea/checksum";

interface Run {
  sentences: string[];
  frames: string[];
  rejects: Array<[RejectReason, string]>;
  framer: SentenceFramer;
}

function frame(
  input: Uint8Array,
  chunk = input.length || 1,
  options: { maxLength?: number; binaryFrames?: boolean } = {},
): Run {
  const r: Run = { sentences: [], frames: [], rejects: [], framer: undefined as unknown as SentenceFramer };
  r.framer = new SentenceFramer({
    frameCommands: RDSS40_COMMAND_KEYS,
    ...options,
    onSentence: (b, n) => r.sentences.push(latin1(b, 0, n)),
    onFrame: (b, n) => r.frames.push(Buffer.from(b.subarray(0, n)).toString("hex")),
    onReject: (reason, b, n) => r.rejects.push([reason, latin1(b, 0, n)]),
  });
  for (let i = 0; i < input.length; i += chunk) r.framer.feed(input, i, Math.min(input.length, i + chunk));
  r.framer.flush();
  return r;
}

function balanced(r: Run): void {
  const c = r.framer.counters;
  assert.equal(c.units, c.sentences + c.frames + c.rejected, "units = sentences + frames + rejected");
  assert.equal(
    c.rejected,
    REJECT_REASONS.reduce((a, k) => a + c[k], 0),
    "rejected = sum of reasons",
  );
}

// Real lines from the corpus and the Beidou reference (checksums verified there).
const REAL = [
  "$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71",
  "$GBGSV,2,1,07,04,01,262,,07,03,328,,27,78,059,44,28,29,115,34,1*79",
  "$BDTXR,1,0179773,2,,A468656C6C6F*43",
  "$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54",
  "$BDICI,0242286,00242286,0000011,6,60,3,N,0*38",
];

describe("framer", () => {
  it("frames real lines with CR LF, LF and CR CR LF endings", () => {
    const input = asciiBytes(
      REAL[0] + "\r\n" + REAL[1] + "\n" + REAL[2] + "\r\r\n" + REAL[3] + "\r" + REAL[4] + "\r\n",
    );
    const r = frame(input);
    assert.deepEqual(r.sentences, REAL);
    assert.deepEqual(r.rejects, []);
    balanced(r);
  });

  it("gives the same result for every chunk split of real lines (no sentence lost at a boundary)", () => {
    const text = REAL.slice(0, 3).join("\r\n") + "\r\n";
    const input = asciiBytes(text);
    // Every single split point, and every pair of split points.
    for (let a = 0; a <= input.length; a++) {
      for (let b = a; b <= input.length; b += 7) {
        const got: string[] = [];
        const f = new SentenceFramer({ onSentence: (x, n) => got.push(latin1(x, 0, n)) });
        f.feed(input, 0, a);
        f.feed(input, a, b);
        f.feed(input, b, input.length);
        assert.deepEqual(got, REAL.slice(0, 3), `split at ${a}/${b}`);
      }
    }
    for (const chunk of [1, 2, 3, 5, 64]) assert.deepEqual(frame(asciiBytes(text), chunk).sentences, REAL.slice(0, 3));
  });

  it("counts each reject by reason and keeps the sentence after the garbage", () => {
    const good = REAL[0];
    const cases: Array<[string, RejectReason]> = [
      ["$GNGGA,052345.77,4210.472433,N*00", "badChecksum"],
      ["$GPGGA,1,2*3)", "badChecksum"], // nmea-simple accepts '*3)'; we do not
      ["$PERC,no,checksum", "noChecksum"],
      [withChecksum("$gpgga,1"), "badAddress"],
      [withChecksum("$G,1"), "badAddress"],
      ["$GPGGA,1\x012*00", "badCharacter"],
      // '*' / '\\' in the address (in the fields they are raw text: rawtext.test.ts).
      [withChecksum("$GP*TXT,a,c"), "badCharacter"],
      [withChecksum("$GP\\TXT,a,c"), "badCharacter"],
    ];
    for (const [bad, reason] of cases) {
      const r = frame(asciiBytes(bad + "\r\n" + good + "\r\n"));
      assert.deepEqual(r.sentences, [good], bad);
      assert.equal(r.rejects.length, 1, bad);
      assert.equal(r.rejects[0][0], reason, bad);
      assert.equal(r.framer.counters[reason], 1);
      balanced(r);
    }
  });

  it("recomputes a checksum over bytes, so raw GB2312 in Chinese-mode TXR passes", () => {
    const body = [..."BDTXR,1,0179773,0,,"].map((c) => c.charCodeAt(0)).concat([0xb1, 0xb1, 0xb6, 0xb7]);
    let x = 0;
    for (const b of body) x ^= b;
    const line = Uint8Array.from([
      0x24,
      ...body,
      0x2a,
      ...asciiBytes(x.toString(16).toUpperCase().padStart(2, "0")),
      13,
      10,
    ]);
    const r = frame(line);
    assert.equal(r.sentences.length, 1);
    assert.equal(r.sentences[0].charCodeAt(20), 0xb1);
  });

  it("restarts on '$' inside a unit ($$ prefixes, truncated lines) and counts the truncation", () => {
    const r = frame(asciiBytes("$$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54\r\n$GNGGA,0523" + REAL[1] + "\r\n"));
    assert.deepEqual(r.sentences, [REAL[3], REAL[1]]);
    assert.deepEqual(
      r.rejects.map((x) => x[0]),
      ["truncated", "truncated"],
    );
    balanced(r);
  });

  it("cuts lines over the limit, counts them, and resumes at the next start", () => {
    const long = withChecksum("$BDTXR,1,0179773,1,," + "3".repeat(400));
    const r = frame(asciiBytes(long + "\r\n" + REAL[2] + "\r\n"), 13);
    assert.deepEqual(r.sentences, [REAL[2]]);
    assert.deepEqual(
      r.rejects.map((x) => x[0]),
      ["tooLong"],
    );
    // 300 bytes are framed by default: a 300-byte sentence passes, 301 does not.
    const exact = withChecksum("$BDTXR,1,0179773,1,," + "3".repeat(300 - 23));
    assert.equal(exact.length, 300);
    assert.equal(frame(asciiBytes(exact + "\r\n")).sentences.length, 1);
    assert.equal(
      frame(asciiBytes(withChecksum("$BDTXR,1,0179773,1,," + "3".repeat(301 - 23)) + "\r\n")).rejects[0][0],
      "tooLong",
    );
  });

  it("survives interleaved binary (UBX with '$' bytes) without losing the next sentence", () => {
    const ubx = Uint8Array.from([0xb5, 0x62, 0x01, 0x07, 0x24, 0x00, 0x24, 0x47, 0x0d, 0xff, 0x24, 0x10, 0x0a, 0x80]);
    const input = new Uint8Array([...ubx, ...asciiBytes(REAL[0] + "\r\n"), ...ubx, ...asciiBytes(REAL[1] + "\r\n")]);
    for (const chunk of [1, 3, 1000]) {
      const r = frame(input, chunk);
      assert.deepEqual(r.sentences, [REAL[0], REAL[1]]);
      balanced(r);
    }
  });

  it("frames RDSS 4.0 binary frames by length and XOR (real frames from the reference)", () => {
    const frames = [
      "2449434a43000c000000002b", // ICJC
      "2444575858001f1ffa66080000000b1c324776052f0718223506001400 0a8d".replace(/ /g, ""), // DWXX
      "245458535100160000004 21ffa6600200031323320cd".replace(/ /g, ""), // TXSQ
    ];
    const bytes = Buffer.concat([
      Buffer.from(frames[0], "hex"),
      Buffer.from(REAL[0] + "\r\n"),
      Buffer.from(frames[1], "hex"),
      Buffer.from(frames[2], "hex"),
    ]);
    for (const chunk of [1, 5, 4096]) {
      const r = frame(new Uint8Array(bytes), chunk);
      assert.deepEqual(r.frames, frames);
      assert.deepEqual(r.sentences, [REAL[0]]);
      balanced(r);
    }
  });

  it("re-frames the bytes of a false 4.0 frame, so a sentence inside it is not lost", () => {
    // "$TXSQ" + length 0x0040 announces 64 bytes, but a real sentence follows at once.
    const falseHead = Uint8Array.from([0x24, 0x54, 0x58, 0x53, 0x51, 0x00, 0x40, 1, 2, 3]);
    const tail = asciiBytes(REAL[2] + "\r\n" + REAL[3] + "\r\n" + "x".repeat(80) + "\r\n" + REAL[4] + "\r\n");
    const input = new Uint8Array([...falseHead, ...tail]);
    for (const chunk of [1, 2, 7, 4096]) {
      const r = frame(input, chunk);
      assert.deepEqual(r.sentences, [REAL[2], REAL[3], REAL[4]], `chunk ${chunk}`);
      assert.deepEqual(
        r.rejects.map((x) => x[0]),
        ["binaryChecksum"],
      );
      balanced(r);
    }
    // An impossible length field is rejected at once.
    const r = frame(new Uint8Array([0x24, 0x54, 0x58, 0x53, 0x51, 0x00, 0x03, ...asciiBytes(REAL[0] + "\r\n")]));
    assert.deepEqual(
      r.rejects.map((x) => x[0]),
      ["binaryLength"],
    );
    assert.deepEqual(r.sentences, [REAL[0]]);
  });

  it("treats 4.0 recognition as optional: off, the same bytes are text rejects", () => {
    const r = frame(new Uint8Array(Buffer.from("2449434a43000c000000002b", "hex")), 4096, { binaryFrames: false });
    assert.equal(r.frames.length, 0);
    assert.deepEqual(
      r.rejects.map((x) => x[0]),
      ["badCharacter"],
    );
  });

  it("counts a unit open at end of input as truncated", () => {
    const r = frame(asciiBytes(REAL[0] + "\r\n$GNGGA,05"));
    assert.deepEqual(r.sentences, [REAL[0]]);
    assert.deepEqual(
      r.rejects.map((x) => x[0]),
      ["truncated"],
    );
    balanced(r);
  });
});
