// mc/config on Moddable's Linux host. x-cli-lin generates no mc/config module (mcconfig.js
// skips it for x-cli-* platforms), so this one gives the board wiring from the command line:
//   --terminal TTY  --console TTY  --prefs DIR  --baud N
// `file.root` is where Moddable's Linux preference module keeps modpreferences.json.

import { args } from "platform/lin/args";

const config: Record<string, string | number | { root: string }> = {
  board: "lin",
  termBaud: 4800,
  conBaud: 115200,
  // The host's own network is used; these only satisfy the settings' rules.
  ipMode: "dhcp",
  ipAddr: "172.16.1.45",
  ipMask: "255.255.0.0",
  ipGateway: "",
  file: { root: "/tmp/" },
};

const a = args();
for (let i = 0; i + 1 < a.length; i += 2) {
  const v = a[i + 1];
  switch (a[i]) {
    case "--terminal":
      config.termDevice = v;
      break;
    case "--console":
      config.conDevice = v;
      break;
    case "--prefs":
      config.file = { root: v.endsWith("/") ? v : v + "/" };
      break;
    case "--baud":
      config.termBaud = Number(v);
      break;
  }
}

export default config;
