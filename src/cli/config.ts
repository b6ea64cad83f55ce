// bd450 config: the host settings file edited offline, through the same schema,
// rules and error texts as the console's show config / set / defaults (for scripted
// provisioning of a Linux host). Writes are atomic (SettingsFile.commit).

import { loadSettings, saveSettings } from "../console/persist";
import { defaultSettingsPath, SettingsFile } from "../platform/node/settings-file";
import { buildCandidate, configTable, defaultConfig, formatValue, type SettingValue } from "../settings/settings";
import { formatUsage, type OptionSpec, parseCommand, UsageError } from "./args";
import { CONFIG_FILE_OPTION } from "./common";

const SPEC: Record<string, OptionSpec> = {
  config: CONFIG_FILE_OPTION,
};

export const usage = formatUsage(
  "bd450 config [--config FILE] show | set KEY VALUE [KEY VALUE ...] | defaults",
  "Show or change the settings file offline, with the console's rules:\n" +
    "  show       every setting: value, type, allowed values, [restart] marks\n" +
    "  set        validate the pairs together with the rest of the file, then write all or none\n" +
    '             ("" is the empty value; errors name the broken rule; exit 1 when refused)\n' +
    "  defaults   write every setting back to its default (unknown keys from newer versions are kept)\n" +
    "The file is replaced atomically. A running gateway reads it at its next start or reboot.",
  SPEC,
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options, positional } = parsed;
  const [action, ...rest] = positional;
  if (action !== "show" && action !== "set" && action !== "defaults")
    throw new UsageError(action ? `unknown action "${action}"` : "show, set or defaults is required");
  const file = options.config ? String(options.config) : defaultSettingsPath();
  const store = new SettingsFile(file);
  const loaded = loadSettings(store);
  for (const p of store.problems) process.stderr.write(`warning: ${p}\n`);
  for (const p of loaded.problems) process.stderr.write(`warning: ${p}\n`);
  const out = (s: string) => process.stdout.write(s + "\n");
  if (action === "show") {
    if (rest.length) throw new UsageError("show takes no arguments");
    for (const line of configTable(loaded.config, loaded.unknown)) out(line);
    return 0;
  }
  if (action === "defaults") {
    if (rest.length) throw new UsageError("defaults takes no arguments");
    const n = saveSettings(store, defaultConfig());
    out(`all settings at their defaults (${n} written) in ${store.path}`);
    return 0;
  }
  if (rest.length === 0 || rest.length % 2 !== 0)
    throw new UsageError('set KEY VALUE [KEY VALUE ...] (use "" for an empty value)');
  const pairs: [string, string][] = [];
  for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i], rest[i + 1]]);
  const cand = buildCandidate(loaded.config, pairs, "bd450 config show");
  if ("errors" in cand) {
    for (const e of cand.errors) process.stderr.write(`error: ${e}\n`);
    process.stderr.write(`nothing changed in ${store.path}\n`);
    return 1;
  }
  // The keys named here, and those the file already holds: no default is pinned into it.
  saveSettings(
    store,
    cand.config,
    cand.changed.map((r) => r.key),
  );
  const rec = cand.config as unknown as Record<string, SettingValue>;
  for (const row of cand.changed) out(`${row.key} = ${formatValue(row, rec[row.key])}`);
  out(`saved to ${store.path}`);
  return 0;
}
