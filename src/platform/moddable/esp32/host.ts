// ESP32 specifics behind platform/host (one file per platform, chosen by the manifest's
// platform block, so each target type-checks only its own).

import Ethernet from "embedded:network/interface/ethernet";
import type { SerialClass, SerialOptions } from "core/io";
import RingSerial from "native/esp32/serial-ring";
import { setMulticastTTL } from "platform/mcast";

export const hostName = "esp32";
export const hostHasEthernet = true;

/** trace() reaches UART0 only in -d/-i builds. */
export function log(line: string): void {
  trace(line + "\n");
}
export const EthernetDevice: typeof Ethernet | undefined = Ethernet;

/**
 * ECMA-419 Serial of the board (reads into a caller's buffer, 8N1, 128-byte FIFOs).
 * Looked up at construction: `device` is set by the preloaded "system" module.
 */
function BoardSerial(options: SerialOptions) {
  return new (device.io.Serial as unknown as SerialClass)(options);
}
export const Serial = BoardSerial as unknown as SerialClass;

/** The terminal's UART: ECMA-419 serial with an interrupt-filled receive buffer (src/native/esp32/serial-ring). */
export const TerminalSerial: SerialClass = RingSerial;

export function restart(): void {
  System.restart();
}

export interface McastSocket {
  add(group: string): void;
  remove(group: string): void;
}

/** lwIP sends multicast with pcb->mcast_ttl, which `timeToLive` leaves alone (see mcast.c). */
export function multicastTTL(socket: object, ttl: number): void {
  setMulticastTTL(socket, ttl);
}

/** lwIP: one socket per port and program; nothing to share. */
export function sharePort(_socket: object): void {}

export function joinGroup(socket: object, group: string): void {
  (socket as McastSocket).add(group);
}

export function leaveGroup(socket: object, group: string): void {
  (socket as McastSocket).remove(group);
}
