// The web password's stored form, `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex; the rule
// lives in the settings schema, PASS_HASH_RE), made once when the password is set and
// checked in steps at every login.

import { PASS_HASH_RE } from "../settings/settings";
import { fromHex, Pbkdf2Job, sameBytes, textBytes, toHex, type WebCrypto } from "./pbkdf2";

/**
 * Iterations for new hashes. A board derives about this many HMACs per login in small
 * steps (estimate in docs/web.md); each stored hash carries its own count, so raising
 * this later keeps old hashes valid.
 */
export const PASS_ITERATIONS = 4096;

/** A hasher for setSecretHasher(): plain password -> stored form with a fresh 16-byte salt. */
export function passwordHasher(crypto: WebCrypto, iterations = PASS_ITERATIONS): (plain: string) => string {
  return (plain) => {
    const salt = crypto.randomBytes(16);
    const job = new Pbkdf2Job(crypto.hmacSha256(textBytes(plain)), salt, iterations);
    job.step(iterations);
    return `pbkdf2-sha256$${iterations}$${toHex(salt)}$${toHex(job.key())}`;
  };
}

/** A new password's stored form made in steps (the web API must not hash 4096 times in one turn). */
export class PasswordHashJob {
  private readonly job: Pbkdf2Job;
  private readonly salt: Uint8Array;
  private readonly iterations: number;

  constructor(crypto: WebCrypto, plain: string, iterations = PASS_ITERATIONS) {
    this.salt = crypto.randomBytes(16);
    this.iterations = iterations;
    this.job = new Pbkdf2Job(crypto.hmacSha256(textBytes(plain)), this.salt, iterations);
  }

  step(budget: number): boolean {
    return this.job.step(budget);
  }

  stored(): string {
    return `pbkdf2-sha256$${this.iterations}$${toHex(this.salt)}$${toHex(this.job.key())}`;
  }
}

/** One login attempt's check, advanced by step() so no turn of the event loop runs long. */
export class PasswordCheck {
  private readonly job: Pbkdf2Job | undefined;
  private readonly expected: Uint8Array;

  constructor(crypto: WebCrypto, stored: string, plain: string) {
    const m = PASS_HASH_RE.exec(stored);
    this.expected = m ? fromHex(m[3]) : new Uint8Array(32);
    // No stored hash (web off) or a password out of rule: never matches, same shape of work skipped.
    this.job =
      m && plain.length > 0 && plain.length <= 256
        ? new Pbkdf2Job(crypto.hmacSha256(textBytes(plain)), fromHex(m[2]), Number(m[1]))
        : undefined;
  }

  /** Advance by `budget` iterations; true when finished. */
  step(budget: number): boolean {
    return !this.job || this.job.step(budget);
  }

  matches(): boolean {
    return !!this.job && this.job.done && sameBytes(this.job.key(), this.expected);
  }
}
