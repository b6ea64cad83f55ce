// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) over an HMAC primitive passed in (Node crypto on
// the host, the SDK's Digest + HMAC on the board), one 32-byte block, run in steps: a
// board must not spend half a second in one turn of its event loop while the terminal
// UART fills (issue 17 item 5).

/** HMAC-SHA256 with its key set once: mac(a, b) = HMAC(key, a || b). */
export type Mac = (a: Uint8Array, b?: Uint8Array) => Uint8Array;

export interface WebCrypto {
  hmacSha256(key: Uint8Array): Mac;
  /** Cryptographically random bytes (salts, session tokens). */
  randomBytes(count: number): Uint8Array;
}

export class Pbkdf2Job {
  private readonly mac: Mac;
  private readonly result = new Uint8Array(32);
  private u: Uint8Array;
  private left: number;

  constructor(mac: Mac, salt: Uint8Array, iterations: number) {
    if (!(iterations >= 1)) throw new RangeError("PBKDF2 needs at least one iteration");
    this.mac = mac;
    // U1 = PRF(P, S || INT(1))
    this.u = mac(salt, new Uint8Array([0, 0, 0, 1]));
    this.result.set(this.u);
    this.left = iterations - 1;
  }

  /** Run at most `budget` iterations; true when the key is complete. */
  step(budget: number): boolean {
    const r = this.result;
    let n = budget < this.left ? budget : this.left;
    this.left -= n;
    while (n-- > 0) {
      const u = this.mac(this.u);
      for (let i = 0; i < 32; i++) r[i] ^= u[i];
      this.u = u;
    }
    return this.left === 0;
  }

  get done(): boolean {
    return this.left === 0;
  }

  key(): Uint8Array {
    if (this.left) throw new Error("PBKDF2 not finished");
    return this.result;
  }
}

/** The whole derivation at once (host tools, tests). */
export function pbkdf2Sha256(mac: Mac, salt: Uint8Array, iterations: number): Uint8Array {
  const job = new Pbkdf2Job(mac, salt, iterations);
  job.step(iterations);
  return job.key();
}

const HEX = "0123456789abcdef";

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** ASCII/Latin-1 text as bytes (passwords are printable ASCII by rule). */
export function textBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Equal without an early exit, so the time taken says nothing about where they differ. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}
