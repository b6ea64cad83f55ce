// Line editor for dumb serial terminals: line ends, erase keys, escape sequences, bounds.

import { strict as assert } from "node:assert";
import { LineEditor } from "../src/console/line-editor";

function rig(maxLine = 20) {
  const out: string[] = [];
  const lines: string[] = [];
  let overflows = 0,
    cancels = 0;
  const ed = new LineEditor({
    maxLine,
    write: (t) => out.push(t),
    onLine: (l) => lines.push(l),
    onOverflow: () => overflows++,
    onCancel: () => cancels++,
  });
  const feed = (s: string | number[]) => {
    const b = typeof s === "string" ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : Uint8Array.from(s);
    ed.receive(b);
  };
  return {
    ed,
    out,
    lines,
    feed,
    get overflows() {
      return overflows;
    },
    get cancels() {
      return cancels;
    },
  };
}

describe("console line editor", () => {
  for (const [name, end] of [
    ["CR", "\r"],
    ["LF", "\n"],
    ["CR LF", "\r\n"],
  ] as const) {
    it(`${name} ends a line, and only one line`, () => {
      const r = rig();
      r.feed(`status${end}show config${end}`);
      assert.deepEqual(r.lines, ["status", "show config"]);
    });
  }

  it("CR LF split across two reads is still one line end", () => {
    const r = rig();
    r.feed("status\r");
    r.feed("\nlog\r");
    r.feed("\n");
    assert.deepEqual(r.lines, ["status", "log"]);
  });

  it("LF CR and CR CR are two line ends (second line empty)", () => {
    const r = rig();
    r.feed("a\n\rb\r\r");
    assert.deepEqual(r.lines, ["a", "", "b", ""]);
  });

  it("echoes printable characters and CR LF", () => {
    const r = rig();
    r.feed("ab\r");
    assert.equal(r.out.join(""), "ab\r\n");
  });

  it("backspace (0x08) and delete (0x7F) erase one character each", () => {
    const r = rig();
    r.feed([0x73, 0x65, 0x74, 0x78, 0x08, 0x7a, 0x7f, 0x0d]); // "setx" BS "z" DEL CR
    assert.deepEqual(r.lines, ["set"]);
    assert.equal(r.out.join(""), "setx\b \bz\b \b\r\n");
  });

  it("backspace on an empty line rings the bell and erases nothing", () => {
    const r = rig();
    r.feed([0x08, 0x7f, 0x61, 0x0d]);
    assert.deepEqual(r.lines, ["a"]);
    assert.equal(r.out.join(""), "\x07\x07a\r\n");
  });

  it("arrow keys, function keys and other escape sequences are ignored whole", () => {
    const r = rig();
    // Up, Left (CSI), F1 (SS3 ESC O P), Delete (ESC [ 3 ~), ESC c (two-byte), F5 (ESC [ 1 5 ~)
    r.feed("st\x1b[A\x1b[Da\x1bOPt\x1b[3~\x1bcu\x1b[15~s\r");
    assert.deepEqual(r.lines, ["status"]);
    assert.equal(r.ed.escapes, 6);
    assert.equal(r.out.join(""), "status\r\n");
  });

  it("a CR inside a broken escape sequence still ends the line", () => {
    const r = rig();
    r.feed("log\x1b\r");
    r.feed("ab\x1b[12\r");
    assert.deepEqual(r.lines, ["log", "ab"]);
  });

  it("an endless CSI sequence is abandoned after a bound and text resumes", () => {
    const r = rig(100);
    r.feed("\x1b[" + "1;".repeat(20) + "xy\r");
    // The parameters past the bound are taken as text again; nothing hangs.
    assert.equal(r.lines.length, 1);
    assert.ok(r.lines[0].endsWith("xy"), JSON.stringify(r.lines));
  });

  it("an overlong line rings once, is discarded at its end, and the next line works", () => {
    const r = rig(10);
    r.feed("0123456789ABCDEF\r");
    assert.deepEqual(r.lines, []);
    assert.equal(r.overflows, 1);
    assert.equal(r.out.join("").split("\x07").length - 1, 1);
    assert.equal(r.out.join(""), "0123456789\x07\r\n");
    r.feed("status\r");
    assert.deepEqual(r.lines, ["status"]);
  });

  it("a line of exactly maxLine characters is accepted", () => {
    const r = rig(10);
    r.feed("0123456789\r");
    assert.deepEqual(r.lines, ["0123456789"]);
  });

  it("Ctrl-C drops the line; Ctrl-U erases it", () => {
    const r = rig();
    r.feed("reboot\x03");
    assert.equal(r.cancels, 1);
    r.feed("defaults\x15log\r");
    assert.deepEqual(r.lines, ["log"]);
  });

  it("non-ASCII bytes and other controls are ignored and counted", () => {
    const r = rig();
    r.feed([0x61, 0xe4, 0xb8, 0xad, 0x09, 0x00, 0x62, 0x0d]);
    assert.deepEqual(r.lines, ["ab"]);
    assert.equal(r.ed.ignored, 5);
  });

  it("current() shows the partial line for re-drawing", () => {
    const r = rig();
    r.feed("msg 01");
    assert.equal(r.ed.current(), "msg 01");
  });
});
