// Line editor for a dumb serial terminal (screen, minicom, picocom, a USB bridge).
//
// Bytes in, echo out, whole lines out. What terminals actually send:
// - Enter is CR (screen, minicom), LF (some picocom maps, scripts) or CR LF (Windows
//   terminals, pasted text). A CR LF pair is one line end: the LF right after a CR is
//   swallowed, so a pasted CR LF never produces an empty second command.
// - Backspace is 0x08 (BS) or 0x7F (DEL) depending on the terminal; both erase one
//   character, echoed as BS SP BS.
// - Arrow and function keys send escape sequences (ESC [ ... final, ESC O x); they are
//   consumed whole and ignored so that no "[A" garbage lands in the command.
// - Ctrl-C drops the line, Ctrl-U erases it.
// The line is bounded: past `maxLine` characters input is refused with BEL and the
// line is discarded (not executed truncated) when it ends.
// Only printable ASCII is accepted; other bytes are counted and ignored.

export interface LineEditorOptions {
  /** Longest accepted line in characters. */
  maxLine?: number;
  /** Output towards the terminal (echo, erase, bell). */
  write(text: string): void;
  /** A complete line (without its line end). */
  onLine(line: string): void;
  /** A line was ended after overflowing; it is discarded. */
  onOverflow?(maxLine: number): void;
  /** Ctrl-C: the line was dropped. */
  onCancel?(): void;
}

import { CR, LF } from "../nmea/chars";

const ESC = 0x1b,
  BS = 0x08,
  DEL = 0x7f,
  CTRL_C = 0x03,
  CTRL_U = 0x15;
const STATE_TEXT = 0,
  STATE_ESC = 1,
  STATE_CSI = 2,
  STATE_SS3 = 3;
/** A CSI sequence longer than this is not a key; give up and resume text. */
const CSI_MAX = 16;

export class LineEditor {
  readonly maxLine: number;
  private buf: Uint8Array;
  private len = 0;
  private overflow = false;
  private afterCR = false;
  private state = STATE_TEXT;
  private csiLen = 0;
  private opts: LineEditorOptions;
  /** Bytes ignored (controls, non-ASCII) and escape sequences skipped. */
  ignored = 0;
  escapes = 0;
  overflows = 0;

  constructor(options: LineEditorOptions) {
    this.opts = options;
    this.maxLine = options.maxLine ?? 200;
    this.buf = new Uint8Array(this.maxLine);
  }

  /** The line typed so far (to re-draw it after asynchronous output). */
  current(): string {
    return String.fromCharCode.apply(null, Array.from(this.buf.subarray(0, this.len)));
  }

  /** Feed bytes[start..end) as received from the terminal. */
  receive(bytes: Uint8Array, start = 0, end = bytes.length): void {
    for (let i = start; i < end; i++) this.byte(bytes[i]);
  }

  private byte(c: number): void {
    const afterCR = this.afterCR;
    this.afterCR = false;
    switch (this.state) {
      case STATE_ESC:
        if (c === 0x5b) {
          this.state = STATE_CSI;
          this.csiLen = 0;
        } else if (c === 0x4f) this.state = STATE_SS3;
        else {
          this.endEscape(); // two-byte sequence (ESC x): x consumed
          if (c < 0x20) {
            this.afterCR = afterCR;
            this.byte(c);
          } // ...unless x is a control (ESC then Enter)
        }
        return;
      case STATE_CSI:
        // Parameters 0x30-0x3F and intermediates 0x20-0x2F, then one final byte 0x40-0x7E.
        if (c >= 0x40 && c <= 0x7e) this.endEscape();
        else if (c < 0x20 || c > 0x3f || ++this.csiLen > CSI_MAX) {
          this.endEscape();
          if (c < 0x20) {
            this.afterCR = afterCR;
            this.byte(c);
          } // a CR/LF inside a broken sequence still ends the line
        }
        return;
      case STATE_SS3:
        this.endEscape();
        return;
    }
    if (c >= 0x20 && c < 0x7f) {
      if (this.len < this.maxLine) {
        this.buf[this.len++] = c;
        this.opts.write(String.fromCharCode(c));
      } else {
        if (!this.overflow) this.opts.write("\x07");
        this.overflow = true;
      }
      return;
    }
    switch (c) {
      case CR:
        this.endLine();
        this.afterCR = true;
        return;
      case LF:
        if (!afterCR) this.endLine();
        return;
      case BS:
      case DEL:
        if (this.overflow) return; // the line is lost anyway; don't pretend to edit it
        if (this.len > 0) {
          this.len--;
          this.opts.write("\b \b");
        } else this.opts.write("\x07");
        return;
      case ESC:
        this.state = STATE_ESC;
        return;
      case CTRL_C:
        this.len = 0;
        this.overflow = false;
        this.opts.write("^C\r\n");
        if (this.opts.onCancel) this.opts.onCancel();
        return;
      case CTRL_U: {
        let erase = "";
        for (let i = 0; i < this.len; i++) erase += "\b \b";
        this.len = 0;
        if (erase) this.opts.write(erase);
        return;
      }
      default:
        this.ignored++;
    }
  }

  private endEscape(): void {
    this.state = STATE_TEXT;
    this.escapes++;
  }

  private endLine(): void {
    this.opts.write("\r\n");
    const overflow = this.overflow;
    const line = overflow ? "" : this.current();
    this.len = 0;
    this.overflow = false;
    if (overflow) {
      this.overflows++;
      if (this.opts.onOverflow) this.opts.onOverflow(this.maxLine);
    } else this.opts.onLine(line);
  }
}
