// ethernet — Moddable's legacy Ethernet module (documentation/network/ethernet.md).
// Moddable ships no typing for it, so the firmware's TypeScript step gets this file
// through a triple-slash reference in src/platform/moddable/link.ts.
//
// Ethernet.start() brings up MAC and PHY from the manifest's defines.ethernet and
// throws when no device answers. A monitor instance reports link and address
// changes with one of the four message strings; it reports nothing unless start()
// was called. useStaticIP() stops DHCP (it may not post "gotIP": unverified).

declare module "ethernet" {
  type EthernetMessage = "connect" | "disconnect" | "gotIP" | "lostIP";

  export default class Ethernet {
    constructor(callback: (message: EthernetMessage) => void);
    close(): void;
    static start(): void;
    static useStaticIP(address: string, mask: string, gateway: string): void;
    static useDHCP(): void;
    static readonly connected: "connect";
    static readonly disconnected: "disconnect";
    static readonly gotIP: "gotIP";
    static readonly lostIP: "lostIP";
  }
}
