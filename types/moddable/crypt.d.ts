// The SDK's crypt modules the web password uses (modules/crypt): Digest (C SHA-256,
// "crypt"), HMAC over a Digest ("hmac", crypt/etc/hmac.js) and the RC4-based RNG
// seeded from the ESP32's hardware random source ("rng", crypt/etc/rng). Moddable's
// typings declare "crypt" and "Resource" (used from $MODDABLE/typings), not these two;
// src/platform/moddable/web.ts references this file.

declare module "hmac" {
  import type { Digest } from "crypt";
  export default class HMAC {
    constructor(digest: Digest, key: ArrayBuffer, bitlen?: number);
    /** HMAC of the items written one after the other. */
    process(...items: ArrayBuffer[]): ArrayBuffer;
  }
}

declare module "rng" {
  const RNG: { get(count: number): ArrayBuffer; init(seed?: ArrayBuffer): void };
  export default RNG;
}
