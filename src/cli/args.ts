// Minimal option parser for the bd450 subcommands: --name value, --name=value,
// --flag, --no-flag, positional arguments. Unknown options are errors (a typo in a
// service unit must not be silently ignored).

export type OptionType = "string" | "number" | "boolean";

export interface OptionSpec {
  type: OptionType;
  /** Value placeholder in help, e.g. "PATH". */
  arg?: string;
  help: string;
  default?: string | number | boolean;
  /** A string option that may stand alone (`--web` or `--web 127.0.0.1:8450`): alone it is "". */
  optionalValue?: boolean;
}

export class UsageError extends Error {}

export interface Parsed {
  options: Record<string, string | number | boolean | undefined>;
  positional: string[];
  help: boolean;
}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): Parsed {
  const options: Parsed["options"] = {};
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) options[k] = s.default;
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      help = true;
      continue;
    }
    if (a === "-" || !a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let name = a.replace(/^--?/, "");
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = spec[name];
    if (!s && name.startsWith("no-") && spec[name.slice(3)]?.type === "boolean") {
      options[name.slice(3)] = false;
      continue;
    }
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (s.type === "boolean") {
      options[name] = value === undefined ? true : !/^(0|false|no|off)$/i.test(value);
      continue;
    }
    if (value === undefined && s.optionalValue && (i + 1 >= argv.length || argv[i + 1].startsWith("-"))) {
      options[name] = "";
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
      value = argv[++i];
    }
    if (s.type === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n))
        throw new UsageError(`option --${name}: "${value}" is not a number`);
      options[name] = n;
    } else options[name] = value;
  }
  return { options, positional, help };
}

export function formatUsage(synopsis: string, description: string, spec: Record<string, OptionSpec>): string {
  const lines = [`usage: ${synopsis}`, "", description, ""];
  const entries = Object.entries(spec);
  if (entries.length) lines.push("options:");
  for (const [k, s] of entries) {
    const arg = s.arg ?? (s.type === "number" ? "N" : "VALUE");
    const left = `  --${k}${s.type === "boolean" ? "" : s.optionalValue ? ` [${arg}]` : ` ${arg}`}`;
    const def = s.default !== undefined ? ` (default ${s.default})` : "";
    lines.push(left.padEnd(28) + " " + s.help + def);
  }
  lines.push("  --help".padEnd(28) + " show this help");
  return lines.join("\n") + "\n";
}

/**
 * A subcommand's arguments; on --help its usage goes to stdout and the result is undefined
 * (exit 0). `maxPositional`: more positional arguments than this are a UsageError.
 */
export function parseCommand(
  argv: string[],
  spec: Record<string, OptionSpec>,
  usage: string,
  maxPositional = Infinity,
): Parsed | undefined {
  const parsed = parseArgs(argv, spec);
  if (parsed.help) {
    process.stdout.write(usage);
    return undefined;
  }
  if (parsed.positional.length > maxPositional)
    throw new UsageError(`unexpected argument "${parsed.positional[maxPositional]}"`);
  return parsed;
}
