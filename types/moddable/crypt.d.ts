// The SDK's crypt modules the web password uses (modules/crypt): Digest (C SHA-256,
// "crypt"), HMAC over a Digest ("hmac", crypt/etc/hmac.js) and the RC4-based RNG
// seeded from the ESP32's hardware random source ("rng", crypt/etc/rng). Moddable's
// typings declare only "crypt"; src/platform/moddable/web.ts references this file.

declare module "crypt" {
  export class Digest {
    constructor(type: "SHA256" | "SHA1" | "SHA224" | "SHA384" | "SHA512" | "MD5");
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
    readonly blockSize: number;
    readonly outputSize: number;
  }
}

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

declare module "Resource" {
  /** Read-only bytes of a file the manifest's "data" section put in flash. */
  export default class Resource extends ArrayBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
}
