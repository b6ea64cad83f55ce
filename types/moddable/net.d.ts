// net — Moddable's network information module (legacy family). bd450 reads the
// address the Ethernet interface ended up with, for the console's status line.

declare module "net" {
  export default class Net {
    static get(property: "IP" | "MAC" | "DNS", interfaceName?: "ethernet" | "station" | "ap"): string | undefined;
  }
}
