// SettingsStore over Moddable's `preference` (NVS on ESP32).
//
// NVS rules are enforced here, not left to the native layer, so that a bad value
// fails the same way on every build and with a clear message: domain and key at
// most 15 characters, values int32, string or boolean (a float throws "float
// unsupported" natively; we say which key). Writes are staged and reach flash only
// on commit(): each Preference.set erases and commits one key and blocks the VM,
// and the 128-byte UART FIFO overflows in ~11 ms at 115200 baud, so settings must
// never be written from the data path, and unchanged values are not rewritten.

import type { SettingsStore } from "core/io";
import Preference from "preference";

/** ESP32 NVS limit for namespace and key names (NVS_KEY_NAME_MAX_SIZE - 1). */
export const NVS_NAME_MAX = 15;
/** NVS string values are limited to about 4000 bytes; stay well clear. */
export const NVS_STRING_MAX = 3968;

export type SettingValue = string | number | boolean;

const DELETED = {}; // marker in the staging map

export function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > NVS_NAME_MAX)
    throw new RangeError(`${kind} "${name}" must be 1..${NVS_NAME_MAX} characters (ESP32 NVS)`);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) throw new RangeError(`${kind} "${name}" must be printable ASCII`);
  }
}

export function checkValue(key: string, value: unknown): asserts value is SettingValue {
  if (typeof value === "boolean") return;
  if (typeof value === "number") {
    if ((value | 0) !== value || Object.is(value, -0))
      throw new RangeError(
        `setting ${key}: ${value} is not an int32 (NVS stores int32; store other numbers as strings)`,
      );
    return;
  }
  if (typeof value === "string") {
    // Conservative: a UTF-16 unit can take up to 3 UTF-8 bytes.
    if (value.length * 3 > NVS_STRING_MAX)
      throw new RangeError(`setting ${key}: string of ${value.length} characters is too long for NVS`);
    return;
  }
  throw new TypeError(`setting ${key}: ${typeof value} values cannot be stored (int32, string or boolean only)`);
}

export class PreferenceSettings implements SettingsStore {
  readonly domain: string;
  private staged = new Map<string, SettingValue | typeof DELETED>();
  /** Flash writes and deletes performed (for the console's status page). */
  writes = 0;

  constructor(domain = "bd450") {
    checkName("domain", domain);
    this.domain = domain;
  }

  get(key: string): SettingValue | undefined {
    checkName("key", key);
    const s = this.staged.get(key);
    if (s === DELETED) return undefined;
    if (s !== undefined) return s as SettingValue;
    return this.stored(key);
  }

  set(key: string, value: SettingValue): void {
    checkName("key", key);
    checkValue(key, value);
    this.staged.set(key, value);
  }

  delete(key: string): void {
    checkName("key", key);
    this.staged.set(key, DELETED);
  }

  keys(): string[] {
    const out: string[] = [];
    for (const k of Preference.keys(this.domain)) if (this.staged.get(k) !== DELETED) out.push(k);
    for (const [k, v] of this.staged) if (v !== DELETED && out.indexOf(k) < 0) out.push(k);
    return out;
  }

  /** Write the staged changes; unchanged values cost no flash write. Throws on the first native failure, keeping the rest staged. */
  commit(): void {
    for (const [key, value] of this.staged) {
      if (value === DELETED) {
        if (this.stored(key) !== undefined) {
          Preference.delete(this.domain, key);
          this.writes++;
        }
      } else if (this.stored(key) !== value) {
        Preference.set(this.domain, key, value as SettingValue);
        this.writes++;
      }
      this.staged.delete(key);
    }
  }

  /** Pending (uncommitted) changes. */
  get pending(): number {
    return this.staged.size;
  }

  private stored(key: string): SettingValue | undefined {
    const v = Preference.get(this.domain, key);
    // bd450 never stores blobs; one found here was not written by us.
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : undefined;
  }
}
