// Settings loader/saver over a SettingsStore (Moddable `preference` on the board, the
// JSON-lines file on the host).
//
// Load = defaults + every stored value that passes its row's rule. A stored value of
// the wrong type or outside its rule loads as the default and is logged; a stored
// combination that breaks a cross-field rule resets the keys of that rule. Keys this
// schema does not know (written by a newer firmware) are left untouched in the store
// and reported, so a downgrade followed by `save` does not lose them.

import type { GatewayConfig } from "../core/config";
import type { SettingsStore } from "../core/io";
import { CROSS_RULES, checkValue, defaultConfig, findSetting, SETTINGS, type SettingValue } from "../settings/settings";

/** Event sink with the EventLog.add signature (code, text). */
export type SettingsLog = (code: string, text: string) => void;

export interface LoadedSettings {
  config: GatewayConfig;
  /** Keys kept from a newer version, with their stored values (not used, not lost). */
  unknown: Record<string, SettingValue>;
  /** One line per key that loaded as its default because its stored value was bad. */
  problems: string[];
}

export function loadSettings(store: SettingsStore, log?: SettingsLog): LoadedSettings {
  const config = defaultConfig();
  const rec = config as unknown as Record<string, SettingValue>;
  // No prototype: a stored key may be any string ("__proto__", "hasOwnProperty", ...),
  // and must land as a plain entry, not change or collide with Object.prototype.
  const unknown = Object.create(null) as Record<string, SettingValue>;
  const problems: string[] = [];
  const report = (text: string) => {
    problems.push(text);
    if (log) log("settings.bad", text);
  };
  let keys: string[];
  try {
    keys = store.keys();
  } catch (e) {
    report(`settings store unreadable (${(e as Error).message}); all settings are defaults`);
    return { config, unknown, problems };
  }
  for (const key of keys) {
    let v: SettingValue | undefined;
    try {
      v = store.get(key);
    } catch (e) {
      report(`${key}: unreadable (${(e as Error).message}); default used`);
      continue;
    }
    if (v === undefined) continue;
    // Exact key match: the store holds canonical names only.
    const row = findSetting(key);
    if (!row || row.key !== key) {
      unknown[key] = v;
      continue;
    }
    const err = checkValue(row, v);
    if (err) report(`${err}; default ${JSON.stringify(rec[key])} used`);
    else rec[key] = v;
  }
  // Cross-field rules: reset the keys of a broken rule to their defaults (the defaults
  // satisfy every rule, which a test asserts), repeating until the record is whole.
  const defaults = defaultConfig() as unknown as Record<string, SettingValue>;
  for (let pass = 0; pass < CROSS_RULES.length + 1; pass++) {
    let broken = false;
    for (const rule of CROSS_RULES) {
      const e = rule.check(config);
      if (!e) continue;
      broken = true;
      for (const k of rule.keys) rec[k] = defaults[k];
      report(`${e}; ${rule.keys.join(", ")} reset to defaults`);
    }
    if (!broken) break;
  }
  const n = Object.keys(unknown).length;
  if (n && log)
    log("settings.unknown", `kept ${n} setting(s) unknown to this version: ${Object.keys(unknown).join(", ")}`);
  return { config, unknown, problems };
}

/**
 * Write every schema key whose stored value differs, then commit once. Unchanged keys
 * are not rewritten (flash wear on the board's NVS). Unknown keys are not touched.
 * With `only`, the keys written are those already in the store and those named: a
 * value that only ran (a command-line option, a board default) is not made permanent.
 * Returns the number of keys written.
 */
export function saveSettings(store: SettingsStore, config: GatewayConfig, only?: readonly string[]): number {
  const rec = config as unknown as Record<string, SettingValue>;
  let written = 0;
  for (const row of SETTINGS) {
    const v = rec[row.key];
    let old: SettingValue | undefined;
    try {
      old = store.get(row.key);
    } catch {
      old = undefined;
    }
    if (old === v) continue;
    if (only && old === undefined && only.indexOf(row.key) < 0) continue;
    store.set(row.key, v);
    written++;
  }
  store.commit();
  return written;
}
