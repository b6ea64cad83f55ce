// Ethernet bring-up and link state.
//
// Module choice: Moddable has two Ethernet modules that cannot be linked together
// (both define xs_ethernet_destructor/xs_ethernet_close). bd450 uses the legacy
// "ethernet" module because (1) the esp32/wt32_eth01 target manifest already links
// it (target -> modules/io -> manifest_net.json -> manifest_net_ethernet.json), so
// the ECMA-419 module would need "~" exclusions of that chain that nobody has
// built yet; (2) Moddable's own Ethernet examples use it on ESP32; (3) it drives
// the same defines.ethernet PHY/SPI settings. Its blocking setup/ethernet module is
// excluded in manifest.json so that main runs (and the UART is drained) with no
// cable plugged in. Everything else talks to this file through `Link`, so the
// ECMA-419 embedded:network/interface/ethernet can replace it in one place.

/// <reference path="../../../types/moddable/ethernet.d.ts" />
import Ethernet from "ethernet";
import Net from "net";
import type { Timers } from "core/io";

export interface LinkSettings {
  /** "static" (IEC 61162-450 wants a fixed address in 172.16.0.0/12) or "dhcp". */
  mode: string;
  address: string;
  mask: string;
  gateway: string;
}

export type LinkState = "down" | "up" | "ready";

export interface LinkListener {
  (state: LinkState): void;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isDottedQuad(s: string): boolean {
  const m = DOTTED.exec(s);
  if (!m) return false;
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255) return false;
  return true;
}

/** Check link settings before they reach the native layer (clear message instead of a native throw). */
export function checkLinkSettings(s: LinkSettings): void {
  if (s.mode !== "static" && s.mode !== "dhcp") throw new RangeError(`ipMode must be "static" or "dhcp", not "${s.mode}"`);
  if (s.mode === "dhcp") return;
  if (!isDottedQuad(s.address)) throw new RangeError(`ipAddr "${s.address}" is not a dotted IPv4 address`);
  if (!isDottedQuad(s.mask)) throw new RangeError(`ipMask "${s.mask}" is not a dotted IPv4 mask`);
  if (s.gateway !== "" && !isDottedQuad(s.gateway)) throw new RangeError(`ipGateway "${s.gateway}" is not a dotted IPv4 address`);
}

export class EthernetLink {
  state: LinkState = "down";
  /** Link transitions seen, and failed attempts to start the MAC/PHY. */
  ups = 0;
  downs = 0;
  startFailures = 0;
  private listeners: LinkListener[] = [];
  private monitor: Ethernet | undefined;
  private retry: unknown;

  constructor(
    private readonly settings: LinkSettings,
    private readonly timers: Timers,
    private readonly log: (line: string) => void,
  ) {
    checkLinkSettings(settings);
  }

  onChange(listener: LinkListener): void {
    this.listeners.push(listener);
  }

  /** Start MAC/PHY and addressing; retried every 5 s while the device does not answer. */
  start(): void {
    if (this.monitor) return;
    try {
      // The monitor must exist before start() so that no early "connect" is missed.
      this.monitor = new Ethernet((message) => this.onMessage(message));
      Ethernet.start();
      if (this.settings.mode === "static")
        Ethernet.useStaticIP(this.settings.address, this.settings.mask, this.settings.gateway || "0.0.0.0");
      else Ethernet.useDHCP();
      this.log(`ethernet: started (${this.settings.mode === "static" ? this.settings.address : "dhcp"})`);
    } catch (e) {
      this.startFailures++;
      this.monitor?.close();
      this.monitor = undefined;
      this.log(`ethernet: start failed: ${(e as Error).message}; retrying in 5 s`);
      this.retry = this.timers.set(() => {
        this.retry = undefined;
        this.start();
      }, 5000, false);
    }
  }

  /** Address in use, or "" while there is none. */
  address(): string {
    if (this.state !== "ready") return "";
    try {
      return Net.get("IP", "ethernet") ?? "";
    } catch {
      return "";
    }
  }

  close(): void {
    this.timers.clear(this.retry);
    this.monitor?.close();
    this.monitor = undefined;
    this.set("down");
  }

  private onMessage(message: string): void {
    switch (message) {
      case Ethernet.connected:
        // With a static address the legacy module may never post gotIP (UNVERIFIED),
        // so link up is already "ready" in static mode.
        this.set(this.settings.mode === "static" ? "ready" : "up");
        break;
      case Ethernet.gotIP:
        this.set("ready");
        break;
      case Ethernet.lostIP:
        this.set(this.state === "down" ? "down" : "up");
        break;
      case Ethernet.disconnected:
        this.set("down");
        break;
    }
  }

  private set(state: LinkState): void {
    if (state === this.state) return;
    if (state === "down") this.downs++;
    if (this.state === "down") this.ups++;
    this.state = state;
    this.log(`ethernet: ${state}`);
    for (const l of this.listeners) l(state);
  }
}
