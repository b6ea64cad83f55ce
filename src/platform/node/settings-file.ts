// Host SettingsStore: a JSON-lines file, replaced atomically on commit.
//
// Why JSON lines and not one JSON object: a single object that is cut or damaged
// anywhere cannot be parsed at all, so every setting would fall back to its default.
// With one setting per line, each line is parsed and checked on its own; a damaged
// line costs only its own key (logged, default used) and the intact lines load.
// Each line carries a CRC-32 of its key and value so that a flipped byte that still
// parses is caught too. The CRC is optional on read: an installer may edit the file
// by hand and drop the `crc` field; a line with a wrong CRC is refused.
//
//   {"bd450":"settings","version":1}
//   {"k":"sfi","v":"BD0002","crc":"4f3a09c1"}
//
// commit() writes a temporary file beside the target, fsyncs it, renames it over the
// target and fsyncs the directory: a crash leaves either the old or the new file.
// set() enforces the board's `preference` (ESP32 NVS) limits so that a value the host
// accepts can also be stored on the board.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SettingsStore } from "../../core/io";

export type StoredValue = string | number | boolean;

const HEADER = '{"bd450":"settings","version":1}';
const KEY_MAX = 15; // NVS key length
const STRING_MAX = 4000; // NVS string limit in bytes (moddable.md §3.1)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of the UTF-8 bytes of `s`, as 8 hex digits. */
export function crc32Hex(s: string): string {
  const b = Buffer.from(s, "utf8");
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

function lineCrc(key: string, value: StoredValue): string {
  return crc32Hex(JSON.stringify([key, value]));
}

/** Throws with the board's error text when the board's `preference` would refuse the pair. */
export function checkPreferenceRules(key: string, value: StoredValue): void {
  if (typeof key !== "string" || key.length === 0 || key.length > KEY_MAX)
    throw new Error(`nvs set fail: key "${key}" must be 1..${KEY_MAX} characters`);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error("float unsupported");
    if (value < -2147483648 || value > 2147483647) throw new Error(`nvs set fail: ${value} is not an int32`);
  } else if (typeof value === "string") {
    if (Buffer.byteLength(value, "utf8") > STRING_MAX)
      throw new Error(`nvs set fail: string longer than ${STRING_MAX} bytes`);
  } else if (typeof value !== "boolean") throw new Error("unsupported type");
}

export interface SettingsFileOptions {
  /** Called for every damaged or refused line (code, text), like EventLog.add. */
  log?: (code: string, text: string) => void;
}

export class SettingsFile implements SettingsStore {
  readonly path: string;
  private values = new Map<string, StoredValue>();
  /** Damaged lines found by the last load. */
  readonly problems: string[] = [];
  private log?: (code: string, text: string) => void;

  constructor(file: string, options: SettingsFileOptions = {}) {
    this.path = path.resolve(file);
    this.log = options.log;
    this.load();
  }

  private report(text: string): void {
    this.problems.push(text);
    if (this.log) this.log("settings.file", text);
  }

  private load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // first start: all defaults
      this.report(`${this.path}: unreadable (${(e as Error).message}); all settings are defaults`);
      return;
    }
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "" || line === HEADER) continue;
      const where = `${path.basename(this.path)} line ${i + 1}`;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        // A cut or garbled line: name its key when the start survived.
        const m = /^\{"k":"([^"\\]{1,40})"/.exec(line);
        this.report(`${where}: damaged${m ? ` (key ${m[1]})` : ""}; ignored, default used`);
        continue;
      }
      if (typeof o !== "object" || o === null || Array.isArray(o)) {
        this.report(`${where}: not a setting object; ignored`);
        continue;
      }
      const r = o as { k?: unknown; v?: unknown; crc?: unknown };
      if (typeof r.k !== "string" || (typeof r.v !== "string" && typeof r.v !== "number" && typeof r.v !== "boolean")) {
        if ("bd450" in r) continue; // header of another format version: the lines say the rest
        this.report(`${where}: needs "k" (text) and "v" (text, integer or boolean); ignored`);
        continue;
      }
      // Only k, v and crc belong on a line: a damaged field name (a "crc" that lost a
      // byte) must not turn a CRC-protected line into an unchecked hand-edited one.
      const extra = Object.keys(r).filter((f) => f !== "k" && f !== "v" && f !== "crc");
      if (extra.length) {
        this.report(
          `${where}: key ${r.k} has unexpected field(s) ${extra.map((f) => JSON.stringify(f)).join(", ")} (damaged?); ignored, default used`,
        );
        continue;
      }
      if (r.crc !== undefined && r.crc !== lineCrc(r.k, r.v)) {
        this.report(`${where}: key ${r.k} fails its CRC (damaged); ignored, default used`);
        continue;
      }
      try {
        checkPreferenceRules(r.k, r.v);
      } catch (e) {
        this.report(`${where}: key ${r.k}: ${(e as Error).message}; ignored`);
        continue;
      }
      if (this.values.has(r.k)) this.report(`${where}: key ${r.k} appears twice; the later line wins`);
      this.values.set(r.k, r.v);
    }
  }

  get(key: string): StoredValue | undefined {
    return this.values.get(key);
  }

  set(key: string, value: StoredValue): void {
    checkPreferenceRules(key, value);
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  keys(): string[] {
    return Array.from(this.values.keys());
  }

  /** Atomic replace: temp file + fsync + rename + directory fsync. */
  commit(): void {
    const dir = path.dirname(this.path);
    fs.mkdirSync(dir, { recursive: true });
    let out = HEADER + "\n";
    for (const [k, v] of this.values) out += JSON.stringify({ k, v, crc: lineCrc(k, v) }) + "\n";
    const tmp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.tmp`);
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeSync(fd, out);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, this.path);
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        /* the rename error is the one to report */
      }
      throw e;
    }
    try {
      const dfd = fs.openSync(dir, "r");
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
    } catch {
      // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
    }
  }
}

/** Default settings file: $XDG_CONFIG_HOME/bd450/config or ~/.config/bd450/config. */
export function defaultSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, "bd450", "config");
}
