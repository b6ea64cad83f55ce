// Ethernet bring-up and link state over ECMA-419 embedded:network/interface/ethernet
// (Moddable modules/io/ethernet/esp32), the one Ethernet path that builds for the
// ESP-IDF v6.0 this SDK expects:
// - it drives the internal EMAC with esp_eth_phy_new_generic() (ethernet-esp32.c, initEthernet),
//   which stays in IDF's esp_eth component; the legacy "ethernet" module calls
//   esp_eth_phy_new_lan87xx / _ip101 (modules/network/ethernet/esp32/ethernet.c), drivers that
//   IDF v6 moved out to the component registry;
// - a failed start frees what it made: on the internal-EMAC boards, when esp_eth_driver_install()
//   fails (no PHY answering) ethernet-esp32.c deletes mac and phy, destroys gNetif and clears it,
//   and configure() then throws "not initialized"; on the W5500 boards bd450's own module
//   (src/platform/moddable/esp32/w5500: the SDK's path aborts on the second spi_bus_initialize)
//   frees what it made and its constructor throws "W5500 start failed at <step>: <error>".
// Either way start() logs the failure and retries, backing off 5 s -> 5 min, so a chip or PHY
// that answers later brings the link up.
//
// Linux (x-cli-lin) has no Ethernet module: the host's network is up, so the link is
// "ready" at once (platform/host says which).

import type { Timers } from "core/io";
import { EthernetDevice as HostEthernet, hostHasEthernet } from "platform/host";

/** The part of embedded:network/interface/ethernet used here. */
interface EthernetDevice {
  readonly connection: number;
  readonly address: string | undefined;
  configure(options: { static: { address: string; mask: string; gateway: string } | false }): void;
  connect(): void;
  close(): void;
}
type EthernetCtor = new (options: { onChanged(): void }) => EthernetDevice;

export interface LinkSettings {
  /** "static" (IEC 61162-450 wants a fixed address in 172.16.0.0/12) or "dhcp". */
  mode: string;
  address: string;
  mask: string;
  gateway: string;
}

export type LinkState = "down" | "up" | "ready";

export type LinkListener = (state: LinkState) => void;

/** ECMA-419 connection codes (ethernet-esp32.c xs_ethernet_connection_get). */
const CONNECTED_NO_IP = 400;
const READY = 500;

/** First retry after a failed start, and the longest wait between retries. */
export const RETRY_FIRST_MS = 5000;
export const RETRY_MAX_MS = 300000;

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isDottedQuad(s: string): boolean {
  const m = DOTTED.exec(s);
  if (!m) return false;
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255) return false;
  return true;
}

/** Check link settings before they reach the native layer (clear message instead of a native throw). */
export function checkLinkSettings(s: LinkSettings): void {
  if (s.mode !== "static" && s.mode !== "dhcp")
    throw new RangeError(`ipMode must be "static" or "dhcp", not "${s.mode}"`);
  if (s.mode === "dhcp") return;
  if (!isDottedQuad(s.address)) throw new RangeError(`ipAddr "${s.address}" is not a dotted IPv4 address`);
  if (!isDottedQuad(s.mask)) throw new RangeError(`ipMask "${s.mask}" is not a dotted IPv4 mask`);
  if (s.gateway !== "" && !isDottedQuad(s.gateway))
    throw new RangeError(`ipGateway "${s.gateway}" is not a dotted IPv4 address`);
}

/** Next wait after `failures` failed starts: 5 s doubling, capped at 5 min. */
export function retryDelay(failures: number): number {
  let d = RETRY_FIRST_MS;
  for (let i = 1; i < failures && d < RETRY_MAX_MS; i++) d *= 2;
  return d < RETRY_MAX_MS ? d : RETRY_MAX_MS;
}

export class EthernetLink {
  state: LinkState = "down";
  /** Link transitions seen, and failed attempts to start the MAC/PHY. */
  ups = 0;
  downs = 0;
  startFailures = 0;
  private listeners: LinkListener[] = [];
  private eth: EthernetDevice | undefined;
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

  start(): void {
    if (this.eth) return;
    const Ctor = HostEthernet as unknown as EthernetCtor | undefined;
    if (!hostHasEthernet || !Ctor) {
      this.set("ready");
      return;
    }
    const self = this;
    let eth: EthernetDevice | undefined;
    try {
      eth = new Ctor({
        onChanged() {
          self.update();
        },
      });
      const s = this.settings;
      // Throws "not initialized" when the driver did not install (ethernet-esp32.c xs_ethernet_configure).
      eth.configure(
        s.mode === "static"
          ? { static: { address: s.address, mask: s.mask, gateway: s.gateway || "0.0.0.0" } }
          : { static: false },
      );
      this.eth = eth;
      if (s.mode === "dhcp") eth.connect();
      this.log(`ethernet: started (${s.mode === "static" ? s.address : "dhcp"})`);
      this.update();
    } catch (e) {
      try {
        eth?.close();
      } catch {
        /* already closed */
      }
      this.startFailures++;
      const wait = retryDelay(this.startFailures);
      this.log(
        `ethernet: start failed (${(e as Error).message}); attempt ${this.startFailures}, retrying in ${wait / 1000} s`,
      );
      this.retry = this.timers.set(
        () => {
          this.retry = undefined;
          this.start();
        },
        wait,
        false,
      );
    }
  }

  /** Address in use, or "" while there is none. */
  address(): string {
    if (this.state !== "ready") return "";
    if (!this.eth) return hostHasEthernet ? "" : "host";
    const a = this.eth.address;
    return a && a.indexOf(":") < 0 ? a : this.settings.mode === "static" ? this.settings.address : "";
  }

  close(): void {
    this.timers.clear(this.retry);
    this.retry = undefined;
    const eth = this.eth;
    this.eth = undefined;
    eth?.close();
    this.set("down");
  }

  private update(): void {
    const eth = this.eth;
    if (!eth) return;
    const c = eth.connection;
    // With a static address the link being up is enough: IPv4 is set, and "ready" (500) also
    // waits for the IPv6 link-local address.
    if (c >= READY || (c >= CONNECTED_NO_IP && this.settings.mode === "static")) this.set("ready");
    else if (c >= CONNECTED_NO_IP) this.set("up");
    else this.set("down");
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
