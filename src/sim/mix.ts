// Built-in realistic output of a shipborne Beidou terminal, one epoch per second:
// RNSS (GN position/course/time, GP+BD GSA with NMEA 4.11 system id, GP and GB GSV
// with BeiDou PRNs above 32, GLL) and RDSS 2.1 status and traffic (BSI beams every
// 10 s, ICI card every 60 s, ZTI self-check every 30 s, TXR short messages — code,
// mixed and raw GB2312 Chinese mode, some longer than 82 characters — with FKI
// feedback, DWR RDSS fixes). Optionally a little line noise as real UARTs have.
// With `family: "bds3"` the RDSS part is a BDS-3 RSMC terminal's instead (PWI beams every
// second, ICP card every 60 s, TCI messages — code, Chinese (GB2312 as hex) and a long mixed
// one of several hundred characters, carried whole on the overlong path — with the BDS-3 FKI,
// EPI position reports); no BDS-2 sentence, as a BDS-3 terminal sends none unless switched on.
// Deterministic: the same options give the same bytes.

import { asciiBytes, writeHex2, xorRange } from "../nmea/checksum";

export interface MixOptions {
  /** UTC start, ms since epoch. */
  start?: number;
  /** Add occasional noise (garbage bytes, a corrupted sentence) every `noiseEvery` epochs (0: none). */
  noiseEvery?: number;
  /** Own card number (7 digits) used in ICI/DWR. */
  card?: string;
  /** "bds2" (RDSS 2.1, default) or "bds3" (BDS-3 RSMC sentences). */
  family?: "bds2" | "bds3";
}

/** The long BDS-3 message's text (ASCII, several hundred characters: far past one 82-character sentence). */
export function longBds3Text(e: number): string {
  let s = `Voyage report ${e}: `;
  for (let leg = 1; s.length < 300; leg++)
    s += `leg ${leg} course 045 speed 12.0 kn, weather fair, all well on board; `;
  return s.slice(0, 300);
}

function hexOf(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

const pad = (v: number, n: number) => String(Math.floor(v)).padStart(n, "0");

function sentence(body: string | number[]): Uint8Array {
  // body without '$' and checksum; number[] allows raw bytes >= 0x80.
  const bytes = typeof body === "string" ? Array.from(body, (c) => c.charCodeAt(0)) : body;
  const out = new Uint8Array(bytes.length + 6);
  out[0] = 0x24;
  out.set(bytes, 1);
  const x = xorRange(out, 1, bytes.length + 1);
  out[bytes.length + 1] = 0x2a;
  writeHex2(out, bytes.length + 2, x);
  out[bytes.length + 4] = 0x0d;
  out[bytes.length + 5] = 0x0a;
  return out;
}

function ddmm(deg: number, width: number): [string, number] {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = (a - d) * 60;
  return [pad(d, width) + m.toFixed(4).padStart(7, "0"), Math.sign(deg)];
}

function ascii(s: string): number[] {
  return Array.from(asciiBytes(s));
}

/** GB2312 for a few phrases (bytes verified against the reference: 北斗 = B1B1 B6B7). */
const GB2312_PHRASES: number[][] = [
  [0xb1, 0xb1, 0xb6, 0xb7], // 北斗
  [0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xb1, 0xb1, 0xb6, 0xb7], // 你好，北斗
];

/** The simulated sky, [talker, satellite, elevation, azimuth, SNR]; every satellite is used in the fix (GSA). */
const SKY: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ["GP", 5, 45, 123, 44],
  ["GP", 13, 62, 16, 47],
  ["GP", 15, 23, 290, 38],
  ["GP", 18, 31, 201, 40],
  ["GP", 20, 18, 65, 35],
  ["GP", 24, 54, 310, 45],
  ["GB", 6, 41, 188, 42],
  ["GB", 9, 35, 220, 39],
  ["GB", 16, 58, 170, 46],
  ["GB", 27, 30, 60, 37],
  ["GB", 33, 25, 140, 36],
  ["GB", 39, 66, 250, 44],
  ["GB", 40, 12, 300, 30],
  ["GB", 59, 50, 185, 41],
];
/** The talkers of the sky and their GSA system IDs (GPS 1, BDS 4). */
const SKY_SYSTEMS: ReadonlyArray<readonly [string, number]> = [
  ["GP", 1],
  ["GB", 4],
];

export class BuiltinMix {
  private epoch = 0;
  private readonly start: number;
  private readonly noiseEvery: number;
  readonly card: string;
  readonly family: "bds2" | "bds3";

  constructor(options: MixOptions = {}) {
    this.family = options.family ?? "bds2";
    this.start = options.start ?? Date.UTC(2026, 10, 25, 8, 0, 0);
    this.noiseEvery = options.noiseEvery ?? 0;
    this.card = options.card ?? "0242286";
  }

  /** The units (sentences with CR LF, or noise) of the next one-second epoch. */
  next(): Uint8Array[] {
    const e = this.epoch++;
    const t = new Date(this.start + e * 1000);
    const hh = pad(t.getUTCHours(), 2),
      mi = pad(t.getUTCMinutes(), 2),
      ss = pad(t.getUTCSeconds(), 2);
    const time = `${hh}${mi}${ss}.00`;
    const date = `${pad(t.getUTCDate(), 2)}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCFullYear() % 100, 2)}`;
    // 12 kn on course 045 from 22°30'N 114°00'E.
    const dist = ((12 * 1852) / 3600) * e; // metres
    const lat = 22.5 + (dist * Math.SQRT1_2) / 111320;
    const lon = 114.0 + (dist * Math.SQRT1_2) / (111320 * Math.cos((lat * Math.PI) / 180));
    const [la] = ddmm(lat, 2),
      [lo] = ddmm(lon, 3);
    const u: Uint8Array[] = [];
    u.push(sentence(`GNRMC,${time},A,${la},N,${lo},E,12.0,45.0,${date},,,A,V`));
    u.push(sentence(`GNGGA,${time},${la},N,${lo},E,1,14,0.8,12.3,M,-3.2,M,,`));
    u.push(sentence(`GNVTG,45.0,T,,M,12.0,N,22.2,K,A`));
    for (const [talker, system] of SKY_SYSTEMS) {
      const ids = SKY.filter((sat) => sat[0] === talker).map((sat) => pad(sat[1], 2));
      while (ids.length < 12) ids.push("");
      u.push(sentence(`GNGSA,A,3,${ids.join(",")},1.4,0.8,1.1,${system}`));
    }
    for (const [talker] of SKY_SYSTEMS) {
      const sats = SKY.filter((sat) => sat[0] === talker);
      const pages = Math.ceil(sats.length / 4);
      for (let p = 0; p < pages; p++) {
        const part = sats
          .slice(p * 4, p * 4 + 4)
          .map(([, n, el, az, snr]) => `${pad(n, 2)},${pad(el, 2)},${pad(az, 3)},${snr}`)
          .join(",");
        u.push(sentence(`${talker}GSV,${pages},${p + 1},${pad(sats.length, 2)},${part},1`));
      }
    }
    u.push(sentence(`GNGLL,${la},N,${lo},E,${time},A,A`));
    u.push(
      sentence(`GNZDA,${time},${pad(t.getUTCDate(), 2)},${pad(t.getUTCMonth() + 1, 2)},${t.getUTCFullYear()},00,00`),
    );
    if (this.family === "bds3") this.bds3(u, e, time, lat, lon);
    else this.bds2(u, e, time, lat, lon);
    if (this.noiseEvery > 0 && e % this.noiseEvery === this.noiseEvery - 1) {
      u.push(Uint8Array.from([0xb5, 0x62, 0x01, 0x07, 0x5c, 0x00, 0x13, 0x37])); // a stray binary fragment
      const bad = sentence(`GNGGA,${time},${la},N,${lo},E,1,14,0.8,12.3,M,-3.2,M,,`);
      bad[10] ^= 0x01; // one flipped bit: the checksum must catch it
      u.push(bad);
    }
    return u;
  }

  /** BDS-3 RSMC status and traffic of epoch e. */
  private bds3(u: Uint8Array[], e: number, time: string, lat: number, lon: number): void {
    // Four BDS-3 beams, the third fading every 20 s.
    const s3 = e % 20 < 5 ? "0,0,0" : "43,36,0";
    u.push(sentence(`BDPWI,${time},00,04,2,51,44,0,4,50,43,0,11,${s3},16,51,44,0`));
    if (e % 60 === 0) u.push(sentence(`BDICP,${this.card}${",0".repeat(22)}`));
    const hhmmss = time.slice(0, 6);
    if (e % 30 === 15) {
      u.push(sentence(`BDTCI,4204986,${this.card},2,${hhmmss},2,0,3132333433333335`));
      u.push(sentence(`BDTCI,4204986,${this.card},2,${hhmmss},3,0,${hexOf(ascii(longBds3Text(e)))}`));
    }
    if (e % 30 === 20) {
      u.push(sentence(`BDTCI,4204990,${this.card},2,${hhmmss},1,0,${hexOf(GB2312_PHRASES[((e / 30) % 2) | 0])}`));
      u.push(sentence(`BDFKI,${hhmmss},TCQ,Y,0,0`));
    }
    if (e % 60 === 30) {
      const [dla] = ddmm(lat + 0.0002, 2),
        [dlo] = ddmm(lon - 0.0003, 3);
      u.push(sentence(`BDEPI,${this.card},2,0,1,${time},${dlo},E,${dla},N,15,M,-3,M,1,0,0,0`));
    }
  }

  /** RDSS 2.1 status and traffic of epoch e. */
  private bds2(u: Uint8Array[], e: number, time: string, lat: number, lon: number): void {
    if (e % 10 === 0) {
      const beams = [0, 3, 0, 0, 0, 0, 0, 3, 0, 0].map((b, i) => ((b + e / 10 + i) % 5 === 0 ? 0 : b)).join(",");
      u.push(sentence(`BDBSI,02,08,${beams}`));
    }
    if (e % 60 === 0) u.push(sentence(`BDICI,${this.card},00242286,0000011,6,60,3,N,0`));
    if (e % 30 === 5) u.push(sentence(`BDZTI,0,1,0,0,0,`));
    if (e % 30 === 15) {
      // Short message in code mode, then a long mixed-mode one (over 82 characters).
      u.push(sentence(`BDTXR,1,0166166,1,,3132333433333335`));
      const text = `A4${ascii(`Position report ${e}: all well on board, ETA 1800`)
        .map((b) => b.toString(16).toUpperCase().padStart(2, "0"))
        .join("")}`;
      u.push(sentence(`BDTXR,1,0179773,2,,${text}`));
    }
    if (e % 30 === 20) {
      // Chinese mode: raw GB2312 bytes in the sentence.
      u.push(sentence([...ascii("BDTXR,1,0179773,0,,"), ...GB2312_PHRASES[((e / 30) % 2) | 0]]));
      u.push(sentence(`BDFKI,TXA,Y,Y,0,0060`));
    }
    if (e % 60 === 30) {
      const [dla] = ddmm(lat + 0.0002, 2),
        [dlo] = ddmm(lon - 0.0003, 3);
      u.push(sentence(`BDDWR,1,${this.card},${time},${dla},N,${dlo},E,15,M,-3,M,1,V,V,L`));
    }
  }
}
