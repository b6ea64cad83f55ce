// Settings changes as the console and the web API both make them: parse + validate
// the whole candidate through the schema (settings.ts), then hand it to the host all
// or nothing; save only a record that passes every rule.

import type { GatewayConfig } from "../core/config";
import { buildCandidate, SETTINGS, type SettingKey, validateConfig } from "../settings/settings";
import type { ConsoleHost } from "./host";

export type ApplyOutcome =
  | { errors: string[] }
  | { config: GatewayConfig; changed: SettingKey[]; restart: SettingKey[] };

/** Take `config` (already valid) into use; `restart` lists the changed keys that need save + reboot. */
export function applyRecord(host: ConsoleHost, config: GatewayConfig, changed: SettingKey[]): ApplyOutcome {
  const res = host.applyConfig(config, changed) ?? {};
  if (res.error) return { errors: [`the gateway refused the change: ${res.error}`] };
  // Restart-only keys: the schema says which (one place for that truth).
  const restart = changed.filter((k) => SETTINGS.some((r) => r.key === k && r.apply === "restart"));
  return { config, changed, restart };
}

/** `set KEY VALUE ...` / POST /api/config: typed-text pairs, validated together, applied all or nothing. */
export function applySettings(
  host: ConsoleHost,
  pairs: ReadonlyArray<readonly [string, string]>,
  listedBy?: string,
): ApplyOutcome {
  const cand = buildCandidate(host.getConfig(), pairs, listedBy);
  if ("errors" in cand) return cand;
  return applyRecord(
    host,
    cand.config,
    cand.changed.map((r) => r.key),
  );
}

/** `save`: the running record, only when it passes every rule; returns an error text or undefined. */
export function saveChecked(host: ConsoleHost): string | undefined {
  const problems = validateConfig(host.getConfig());
  if (problems.length) return "running settings break a rule, not saved: " + problems.join("; ");
  const err = host.save();
  return err ? "save failed, stored settings unchanged: " + err : undefined;
}
