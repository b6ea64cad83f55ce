// Behaviour of a simulated RDSS terminal (host side, used by `bd450 sim`): reads the
// host's commands from the pty and answers the way a real 2.1 terminal does:
//   ICA -> ICI (configured card, or the all-zero no-card answer)
//   TXA -> FKI (refused while the card's service interval has not elapsed, or
//          without card), and a TXR back when the message is addressed to the
//          terminal's own number
//   DWA -> FKI + DWR (configured position, current UTC time)
//   RMO -> switches the periodic BSI / ZTI output (mode 1 off, 2 on, 3 all off, 4 all on)
//   BSS -> FKI, sets the response / time-difference beams
//   WAA -> FKI (same service-interval rule as TXA)
// With `rdss40` it speaks the old binary protocol instead: ICJC -> ICXX,
// TXSQ -> FKXX (+ TXXX to itself), DWSQ -> DWXX, GLJC -> periodic GLZK, XTZJ -> periodic ZJXX.
// FKI inhibit codes and the no-card refusal code are UNCONFIRMED (vendor-specific).
// With `family: "bds3"` it plays a BDS-3 RSMC terminal (the team's BDS-3 notes; docs/protocol.md):
//   PWI every second (BDS-3 beams with three signal values each)
//   ICR -> ICP (card number, then 22 fields whose meaning is UNCONFIRMED: zeros here)
//   TCQ -> BDS-3 FKI (refused with reason 1 "frequency not reached" and the remaining wait
//          while the service interval runs, reason 5 without card), and a TCI back when the
//          message is addressed to the terminal's own number
//   EPQ -> BDS-3 FKI + EPI (configured position); QRQ -> QRI (no times)
//   RMO -> `$CCRMO,TXR|BSI|ICI,2,n` switches that BDS-2 sentence on (TXR: received messages
//          also as TXR; ICI: ICA answered; BSI: periodic BSI), mode 1 off; 3/4 all off/on.
// No BDS-2 sentence goes out unless switched on; BDS-2 commands (TXA, ICA, DWA) are not answered.

import { SentenceDecoder } from "../beidou/decoder";
import { encodeDWXX, encodeFKXX, encodeGLZK, encodeICXX, encodeTXXX, encodeZJXX, FrameDecoder } from "../beidou/rdss40";
import type { BSS } from "../beidou/sentences/bss";
import type { ICA } from "../beidou/sentences/ica";
import type { ICR } from "../beidou/sentences/icr";
import type { RMO } from "../beidou/sentences/rmo";
import type { TCQ } from "../beidou/sentences/tcq";
import type { TXA } from "../beidou/sentences/txa";
import { RDSS40_COMMAND_KEYS } from "../beidou/table";
import { SentenceFramer } from "../core/framer";
import { withChecksum } from "../nmea/checksum";
import { formatterName } from "../nmea/keys";

export interface TerminalOptions {
  /** Own card number (user address, 7 digits); null: no card inserted. */
  card?: string | null;
  serial?: string;
  broadcastId?: string;
  /** Service frequency, seconds between transmissions. */
  serviceInterval?: number;
  /** Communication level 1-4. */
  level?: number;
  userFeature?: number;
  /** Answer in RDSS 4.0 binary frames instead of 2.1 text. */
  rdss40?: boolean;
  /** Sentence family: "bds2" (RDSS 2.1, default) or "bds3" (BDS-3 RSMC: PWI, ICP, TCI, FKI, EPI). */
  family?: "bds2" | "bds3";
  /** BDS-3: beams as [id, s1, s2, s3] for PWI. */
  beams3?: number[][];
  /** Position reported in DWR / DWXX. */
  position?: { latitude: number; longitude: number; height: number; anomaly?: number };
  /** 10 beam powers 0-4 for BSI (the first 6 for GLZK / ZJXX). */
  beams?: number[];
  responseBeam?: number;
  timeDifferenceBeam?: number;
  /** Wall clock, ms since the epoch. */
  now?: () => number;
  /** Delay before the loop-back TXR, ms (a real network takes seconds). */
  loopbackDelay?: number;
  /** Output one unit (text sentences include CR LF). */
  write(unit: Uint8Array): void;
  /** Timers for delayed answers (host setTimeout by default). */
  later?(fn: () => void, ms: number): void;
}

const CRLF = "\r\n";

function textUnit(body: string): Uint8Array {
  const s = withChecksum("$" + body) + CRLF;
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** `$` + body + checksum + CR LF where body carries raw bytes (Chinese-mode content). */
function bytesUnit(head: string, content: Uint8Array): Uint8Array {
  const n = 1 + head.length + content.length;
  const b = new Uint8Array(n + 5);
  b[0] = 0x24;
  for (let i = 0; i < head.length; i++) b[1 + i] = head.charCodeAt(i);
  b.set(content, 1 + head.length);
  let x = 0;
  for (let i = 1; i < n; i++) x ^= b[i];
  const h = "0123456789ABCDEF";
  b[n] = 0x2a;
  b[n + 1] = h.charCodeAt(x >> 4);
  b[n + 2] = h.charCodeAt(x & 15);
  b[n + 3] = 0x0d;
  b[n + 4] = 0x0a;
  return b;
}

function latin1Of(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

const p2 = (v: number) => String(Math.floor(v)).padStart(2, "0");

function utcHms(ms: number): { text: string; sec: number; h: number; m: number } {
  const d = new Date(ms);
  const sec =
    d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds() + Math.floor(d.getUTCMilliseconds() / 10) / 100;
  const cs = Math.floor(d.getUTCMilliseconds() / 10);
  return {
    text: p2(d.getUTCHours()) + p2(d.getUTCMinutes()) + p2(d.getUTCSeconds()) + "." + p2(cs),
    sec,
    h: d.getUTCHours(),
    m: d.getUTCMinutes(),
  };
}

function ddmm(v: number, lon: boolean): string {
  const a = Math.abs(v);
  const d = Math.floor(a);
  return String(d).padStart(lon ? 3 : 2, "0") + ((a - d) * 60).toFixed(4).padStart(7, "0");
}

export class SimTerminal {
  readonly card: string | null;
  readonly serviceInterval: number;
  readonly level: number;
  /** Commands seen per name, and answers written. */
  readonly commands = new Map<string, number>();
  answers = 0;
  /** Periodic outputs: name -> interval (s) and next due time (ms). */
  readonly outputs = new Map<string, { interval: number; next: number }>();
  private lastTransmit = -Infinity;
  private readonly framer: SentenceFramer;
  private readonly decoder = new SentenceDecoder();
  private readonly frames = new FrameDecoder();
  private readonly o: TerminalOptions;
  private readonly now: () => number;
  private responseBeam: number;
  private timeDifferenceBeam: number;
  private readonly bds3: boolean;
  /** BDS-3: the BDS-2 sentences switched on by RMO (TXR, ICI; BSI lives in `outputs`). */
  readonly compat = new Set<string>();

  constructor(options: TerminalOptions) {
    this.o = options;
    this.card = options.card === undefined ? "0242286" : options.card;
    if (this.card !== null && !/^[0-9]{7}$/.test(this.card))
      throw new RangeError(`card must be 7 digits, not "${this.card}"`);
    this.serviceInterval = options.serviceInterval ?? 60;
    this.level = options.level ?? 3;
    this.now = options.now ?? (() => Date.now());
    this.responseBeam = options.responseBeam ?? 2;
    this.timeDifferenceBeam = options.timeDifferenceBeam ?? 8;
    this.bds3 = options.family === "bds3";
    if (this.bds3) this.outputs.set("PWI", { interval: 1, next: 0 });
    this.framer = new SentenceFramer({
      // BDS-3 messages run to 14,000 bits: TCQ lines far past RDSS 2.1's 300 bytes.
      maxLength: this.bds3 ? 4096 : 300,
      binaryFrames: true,
      frameCommands: RDSS40_COMMAND_KEYS,
      onSentence: (b, n) => this.sentence(b, n),
      onFrame: (b, n) => this.frame(b, n),
    });
  }

  private get cardNumber(): number {
    return this.card === null ? 0 : Number(this.card);
  }

  /** Bytes the host wrote to the terminal. */
  receive(bytes: Uint8Array): void {
    this.framer.feed(bytes);
  }

  private out(unit: Uint8Array): void {
    this.answers++;
    this.o.write(unit);
  }

  private later(fn: () => void, ms: number): void {
    if (this.o.later) this.o.later(fn, ms);
    else if (ms <= 0) fn();
    else setTimeout(fn, ms);
  }

  private seen(name: string): void {
    this.commands.set(name, (this.commands.get(name) ?? 0) + 1);
  }

  /** Seconds left before the next transmission is allowed (0: allowed now). */
  waitSeconds(now = this.now()): number {
    const w = this.serviceInterval - (now - this.lastTransmit) / 1000;
    return w > 0 ? Math.ceil(w) : 0;
  }

  private fki(cmd: string, ok: boolean, freqOk: boolean, inhibit: number, waitS: number): void {
    const w = Math.min(waitS, 99 * 60 + 59);
    this.out(textUnit(`BDFKI,${cmd},${ok ? "Y" : "N"},${freqOk ? "Y" : "N"},${inhibit},${p2(w / 60)}${p2(w % 60)}`));
  }

  /** The service-interval rule shared by TXA, DWA and WAA; true when the transmission is accepted. */
  private transmit(cmd: string): boolean {
    const now = this.now();
    if (this.card === null) {
      this.fki(cmd, false, true, 1, 0); // no card: refused (inhibit code UNCONFIRMED)
      return false;
    }
    const wait = this.waitSeconds(now);
    if (wait > 0) {
      this.fki(cmd, false, false, 0, wait);
      return false;
    }
    this.lastTransmit = now;
    this.fki(cmd, true, true, 0, this.serviceInterval);
    return true;
  }

  private sentence(b: Uint8Array, n: number): void {
    const d = this.decoder.decode(b, n);
    const name = d.formatter ? formatterName(d.formatter) : "?";
    this.seen(name);
    if (d.talker !== 0x4343) return; // only host commands ($CC...)
    if (d.error) {
      if (name !== "?") this.fki(name, false, true, 0, 0);
      return;
    }
    if (this.bds3) return this.bds3Command(d.kind, d.record);
    const rdss40 = this.o.rdss40;
    switch (d.kind) {
      case "ICA": {
        const c = d.record as ICA;
        if (c.type !== 0) {
          this.out(textUnit("BDICZ,0"));
          return;
        }
        if (rdss40) return this.icxx();
        if (this.card === null) this.out(textUnit("BDICI,0000000,00000000,0000000,0,0,0,N,0"));
        else
          this.out(
            textUnit(
              `BDICI,${this.card},${this.o.serial ?? "0" + this.card},${this.o.broadcastId ?? "0000011"},${this.o.userFeature ?? 6},${this.serviceInterval},${this.level},N,0`,
            ),
          );
        return;
      }
      case "TXA": {
        const t = d.record as TXA;
        if (!this.transmit("TXA")) return;
        if (this.card !== null && t.destinationId === this.cardNumber) {
          const c = t.content;
          const head = `BDTXR,${t.commType === 0 ? 2 : 1},${this.card},${t.mode},,`;
          const content = c.bytes.slice(c.start, c.end);
          this.later(() => this.out(bytesUnit(head, content)), this.o.loopbackDelay ?? 0);
        }
        return;
      }
      case "DWA": {
        if (!this.transmit("DWA")) return;
        this.later(() => this.out(this.dwr()), this.o.loopbackDelay ?? 0);
        return;
      }
      case "WAA": {
        this.transmit("WAA");
        return;
      }
      case "RMO": {
        const m = d.record as RMO;
        const s = formatterName(m.sentence);
        const interval = m.frequency > 0 ? m.frequency : 1;
        const now = this.now();
        if (m.mode === 1) this.outputs.delete(s === "ZJX" ? "ZTI" : s);
        else if (m.mode === 2) {
          if (s === "BSI" || s === "ZTI" || s === "ZJX")
            this.outputs.set(s === "ZJX" ? "ZTI" : s, { interval, next: now });
          else {
            this.fki("RMO", false, true, 0, 0);
            return;
          }
        } else if (m.mode === 3) this.outputs.clear();
        else for (const k of ["BSI", "ZTI"]) this.outputs.set(k, { interval, next: now });
        this.fki("RMO", true, true, 0, 0);
        this.tick(now);
        return;
      }
      case "BSS": {
        const s = d.record as BSS;
        this.responseBeam = s.responseBeam === s.responseBeam ? s.responseBeam : 2;
        this.timeDifferenceBeam = s.timeDifferenceBeam === s.timeDifferenceBeam ? s.timeDifferenceBeam : 8;
        this.fki("BSS", true, true, 0, 0);
        return;
      }
    }
  }

  /** BDS-3 FKI: `$BDFKI,hhmmss,cmd,Y/N,reason,remaining`. */
  private fki3(cmd: string, ok: boolean, reason: number, waitS: number): void {
    this.out(textUnit(`BDFKI,${utcHms(this.now()).text.slice(0, 6)},${cmd},${ok ? "Y" : "N"},${reason},${waitS}`));
  }

  /** The BDS-3 service-interval rule: true when the transmission is accepted. */
  private transmit3(cmd: string): boolean {
    const now = this.now();
    if (this.card === null) {
      this.fki3(cmd, false, 5, 0); // 5: no IC module
      return false;
    }
    const wait = this.waitSeconds(now);
    if (wait > 0) {
      this.fki3(cmd, false, 1, wait); // 1: frequency not reached
      return false;
    }
    this.lastTransmit = now;
    this.fki3(cmd, true, 0, 0);
    return true;
  }

  private bds3Command(kind: string, record: unknown): void {
    switch (kind) {
      case "ICR": {
        if ((record as ICR).type !== 0) return this.fki3("ICR", false, 6, 0); // 6: insufficient permission
        // Field 1 the card (0: none); 22 more fields whose positions are UNCONFIRMED.
        this.out(textUnit(`BDICP,${this.card ?? "0"}${",0".repeat(22)}`));
        return;
      }
      case "ICA": {
        if (!this.compat.has("ICI")) return; // a BDS-3 terminal answers ICA only in BDS-2 output mode
        const c = record as ICA;
        if (c.type !== 0) return;
        this.out(
          textUnit(
            this.card === null
              ? "BDICI,0000000,00000000,0000000,0,0,0,N,0"
              : `BDICI,${this.card},0${this.card},0000011,6,${this.serviceInterval},${this.level},N,0`,
          ),
        );
        return;
      }
      case "TCQ": {
        const t = record as TCQ;
        if (!this.transmit3("TCQ")) return;
        if (this.card !== null && t.destinationId === this.cardNumber) {
          const c = t.content;
          const data = latin1Of(c.bytes, c.start, c.end);
          const tci = textUnit(
            `BDTCI,${this.card},${this.card},${t.frequencyPoint},${utcHms(this.now()).text.slice(0, 6)},${t.codeType},0,${data}`,
          );
          // The same message as TXR when BDS-2 output is on (code type -> 2.1 mode; hex data stays hex).
          const txr = this.compat.has("TXR")
            ? textUnit(`BDTXR,1,${this.card},${t.codeType === 2 ? 1 : 2},,${t.codeType === 2 ? data : "A4" + data}`)
            : undefined;
          this.later(() => {
            this.out(tci);
            if (txr) this.out(txr);
          }, this.o.loopbackDelay ?? 0);
        }
        return;
      }
      case "EPQ": {
        if (!this.transmit3("EPQ")) return;
        this.later(() => this.out(this.epi()), this.o.loopbackDelay ?? 0);
        return;
      }
      case "QRQ":
        this.out(textUnit(`BDQRI,${this.card ?? "0"},0,0`));
        return;
      case "RMO": {
        const m = record as RMO;
        const s = formatterName(m.sentence);
        const now = this.now();
        const interval = m.frequency > 0 ? m.frequency : 1;
        const known = s === "TXR" || s === "BSI" || s === "ICI" || s === "PWI";
        if (m.mode <= 2 && !known) return this.fki3("RMO", false, 0, 0);
        const on = (name: string) => {
          if (name === "BSI" || name === "PWI") this.outputs.set(name, { interval, next: now });
          else this.compat.add(name);
        };
        const off = (name: string) => {
          if (name === "BSI" || name === "PWI") this.outputs.delete(name);
          else this.compat.delete(name);
        };
        if (m.mode === 2) on(s);
        else if (m.mode === 1) off(s);
        else for (const n of ["TXR", "BSI", "ICI", "PWI"]) m.mode === 4 ? on(n) : off(n);
        this.fki3("RMO", true, 0, 0);
        this.tick(now);
        return;
      }
    }
  }

  private epi(): Uint8Array {
    const p = this.o.position ?? { latitude: 24.58155556, longitude: 118.09658333, height: 20, anomaly: 10 };
    const t = utcHms(this.now());
    // The notes' field list: card, frequency point, urgency, report mode, time, lon, E/W, lat, N/S,
    // elevation, unit, anomaly, unit, precision, multi-value, SOS sub-type, SOS indication.
    return textUnit(
      `BDEPI,${this.card},2,0,1,${t.text},${ddmm(p.longitude, true)},${p.longitude < 0 ? "W" : "E"},${ddmm(p.latitude, false)},${p.latitude < 0 ? "S" : "N"},${Math.round(p.height)},M,${Math.round(p.anomaly ?? 0)},M,1,0,0,0`,
    );
  }

  private icxx(): void {
    this.out(
      encodeICXX(this.cardNumber, {
        broadcastId: Number(this.o.broadcastId ?? "11"),
        userType: this.card === null ? 0 : (this.o.userFeature ?? 6),
        serviceInterval: this.card === null ? 0 : this.serviceInterval,
        level: this.card === null ? 0 : this.level,
        encrypted: false,
        subordinates: 0,
      }),
    );
  }

  private frame(b: Uint8Array, n: number): void {
    const f = this.frames.decode(b, n);
    this.seen(f.name || String.fromCharCode(b[1], b[2], b[3], b[4]));
    if (f.error) return;
    const now = this.now();
    switch (f.name) {
      case "ICJC":
        return this.icxx();
      case "TXSQ": {
        if (this.card === null) {
          this.out(encodeFKXX(0, 1, "TXSQ"));
          return;
        }
        const wait = this.waitSeconds(now);
        if (wait > 0) {
          this.out(encodeFKXX(this.cardNumber, 4, "", wait));
          return;
        }
        this.lastTransmit = now;
        this.out(encodeFKXX(this.cardNumber, 0, "TXSQ"));
        if (f.peerAddress === this.cardNumber) {
          const t = utcHms(now);
          const c = f.content;
          const data = c.data.slice(0, c.length);
          const mode = f.mode === 0 ? 0 : f.mode === 1 ? 1 : 2;
          const nibbles = f.mode === 1 ? f.bitLength >> 2 : undefined;
          this.later(
            () =>
              this.out(
                encodeTXXX(this.cardNumber, { from: this.cardNumber, hour: t.h, minute: t.m, mode, data, nibbles }),
              ),
            this.o.loopbackDelay ?? 0,
          );
        }
        return;
      }
      case "DWSQ": {
        if (this.card === null) {
          this.out(encodeFKXX(0, 1, "DWSQ"));
          return;
        }
        const p = this.o.position ?? { latitude: 24.58155556, longitude: 118.09658333, height: 20, anomaly: 10 };
        this.later(
          () =>
            this.out(
              encodeDWXX(this.cardNumber, {
                info: 0x08,
                time: utcHms(this.now()).sec,
                latitude: p.latitude,
                longitude: p.longitude,
                height: p.height,
                heightAnomaly: p.anomaly ?? 0,
              }),
            ),
          this.o.loopbackDelay ?? 0,
        );
        return;
      }
      case "XTZJ":
        if (f.interval > 0) this.outputs.set("ZTI", { interval: f.interval, next: now });
        else this.outputs.delete("ZTI");
        this.tick(now);
        return;
    }
    if (b[1] === 0x47 && b[2] === 0x4c && b[3] === 0x4a && b[4] === 0x43) {
      // GLJC: power check, payload = output interval in minutes (0 = once)
      const minutes = n > 11 ? b[10] : 0;
      if (minutes > 0) this.outputs.set("BSI", { interval: minutes * 60, next: now });
      else this.out(encodeGLZK(this.cardNumber, this.beamPowers()));
    }
  }

  private beamPowers(): number[] {
    return this.o.beams ?? [0, 3, 0, 0, 0, 0, 0, 3, 0, 0];
  }

  private dwr(): Uint8Array {
    const p = this.o.position ?? { latitude: 24.58155556, longitude: 118.09658333, height: 20, anomaly: 10 };
    const t = utcHms(this.now());
    return textUnit(
      `BDDWR,1,${this.card},${t.text},${ddmm(p.latitude, false)},${p.latitude < 0 ? "S" : "N"},${ddmm(p.longitude, true)},${p.longitude < 0 ? "W" : "E"},${Math.round(p.height)},M,${Math.round(p.anomaly ?? 0)},M,1,V,V,L`,
    );
  }

  /** Periodic outputs that are due (call every few hundred ms). */
  tick(now = this.now()): void {
    for (const [name, o] of this.outputs) {
      if (now < o.next) continue;
      o.next = now + o.interval * 1000;
      const p = this.beamPowers();
      if (name === "PWI") {
        const b3 = this.o.beams3 ?? [
          [2, 51, 44, 0],
          [4, 50, 43, 0],
          [11, 43, 36, 0],
          [16, 51, 44, 0],
        ];
        const beams = b3.map((b) => b.join(",")).join(",");
        this.out(textUnit(`BDPWI,${utcHms(now).text},00,${p2(b3.length)}${b3.length ? "," + beams : ""}`));
      } else if (name === "BSI") {
        if (this.o.rdss40) this.out(encodeGLZK(this.cardNumber, p));
        else this.out(textUnit(`BDBSI,${p2(this.responseBeam)},${p2(this.timeDifferenceBeam)},${p.join(",")}`));
      } else if (name === "ZTI") {
        if (this.o.rdss40) this.out(encodeZJXX(this.cardNumber, this.card === null ? 1 : 0, 0, 0, 0, p));
        else this.out(textUnit(`BDZTI,${this.card === null ? 1 : 0},0,0,0,${p.join(",")}`));
      }
    }
  }
}
