// HMAC-SHA256 and random bytes for the web password and sessions, from Node's crypto.

import * as crypto from "node:crypto";
import { setSecretHasher } from "../../settings/settings";
import { passwordHasher } from "../../web/password";
import type { WebCrypto } from "../../web/pbkdf2";

/** HMAC-SHA256 and random bytes from Node's crypto. */
export const nodeWebCrypto: WebCrypto = {
  hmacSha256(key) {
    const k = Buffer.from(key);
    return (a, b) => {
      const h = crypto.createHmac("sha256", k).update(a);
      if (b) h.update(b);
      return new Uint8Array(h.digest());
    };
  },
  randomBytes: (n) => new Uint8Array(crypto.randomBytes(n)),
};

/** `set webPass ...` (console, web page, `bd450 config set`) stores the salted hash made here. */
export function installHostPasswordHasher(): void {
  setSecretHasher(passwordHasher(nodeWebCrypto));
}
