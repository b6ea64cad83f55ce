// bd450 spec: the gateway's IEC 61162-450 interface declaration for the settings in
// the settings file (and the options given), as text or JSON; the console's `spec`
// prints the same text (src/core/spec.ts builds the record once for both).

import { deviceSpec } from "../beidou/table";
import { loadSettings } from "../console/persist";
import { interfaceSpec, specText } from "../core/spec";
import { defaultSettingsPath, SettingsFile } from "../platform/node/settings-file";
import { validateConfig } from "../settings/settings";
import { formatUsage, type OptionSpec, parseCommand } from "./args";
import { CONFIG_FILE_OPTION, CONFIG_OPTIONS, configFromOptions } from "./common";

const SPEC: Record<string, OptionSpec> = {
  config: CONFIG_FILE_OPTION,
  json: { type: "boolean", help: "print the declaration as one JSON object" },
  ...CONFIG_OPTIONS,
  baud: { type: "number", help: "UART baud rate (default: from the settings file)" },
  ttl: { type: "number", help: "multicast TTL (default: from the settings file)" },
};

export const usage = formatUsage(
  "bd450 spec [--config FILE] [--json] [options]",
  "The IEC 61162-450 interface declaration for the current settings: SFI, transmission\n" +
    "groups with address, port and sentences, maximum datagram size, maximum output rate\n" +
    "(maxRate, UART), TTL, TAG fields used, commands accepted and from whom.\n" +
    "Options given here override the settings file, as for bd450 gateway.",
  SPEC,
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options } = parsed;
  const store = new SettingsFile(options.config ? String(options.config) : defaultSettingsPath());
  const loaded = loadSettings(store);
  for (const p of store.problems.concat(loaded.problems)) process.stderr.write(`warning: ${p}\n`);
  const config = configFromOptions(options, loaded.config);
  const errors = validateConfig(config);
  if (errors.length) throw new Error(`invalid configuration: ${errors.join("; ")}`);
  const spec = interfaceSpec(config, deviceSpec());
  process.stdout.write(options.json ? JSON.stringify(spec, null, 2) + "\n" : specText(spec).join("\n") + "\n");
  return 0;
}
