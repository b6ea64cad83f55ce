// Runs the Moddable-built Linux firmware (argv: PROGRAM TERMINAL CONSOLE PREFS BAUD) the way
// the demo does — exit status 75 (the console's reboot) starts it again — with its output on
// stderr. Meant to be started inside a private network namespace (lib/netns.ts setup).
import { startFirmware } from "../../src/cli/demo";

const [program, terminal, consoleTty, prefs, baud] = process.argv.slice(2);
const fw = startFirmware(program, { terminal, console: consoleTty, prefs, baud: Number(baud), sfi: "BD0001" }, (d) =>
  process.stderr.write(d),
);
fw.on("exit", (code) => process.exit(code ?? 1));
process.on("SIGTERM", () => fw.kill("SIGTERM"));
