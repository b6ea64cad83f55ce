// Platform contracts of the portable core.
//
// The core never imports Node or Moddable modules. It is handed its IO classes as
// options, following ECMA-419's client-class pattern (as Moddable's DNS resolver
// takes `socket: {io: UDP}`). Moddable supplies `embedded:io/serial` and
// `embedded:io/socket/udp`; the Node host supplies classes of the same shape over
// `serialport` and `dgram`; the XS test harness supplies classes over issueCommand.
// Only the subset of ECMA-419 the gateway uses is declared here.

/** Bytes as ECMA-419 accepts them for write(). */
export type ByteBuffer = ArrayBuffer | Uint8Array;

/** ECMA-419 serial instance (buffer format). */
export interface SerialInstance {
  /** Fill `buffer` with available bytes; returns the count (0 or undefined when none). */
  read(buffer: Uint8Array): number | undefined;
  /** Write all bytes or throw ("output full" on Moddable when the FIFO can't take them). */
  write(data: ByteBuffer): void;
  close(): void;
  /** Receive overflows so far (bytes lost before JS read them), where the driver counts them (src/native/esp32/serial-ring). */
  readonly overflow?: number;
}

export interface SerialOptions {
  /** ECMA-419 port number (board) — ignored by hosts that use `device`. */
  port?: number;
  receive?: number;
  transmit?: number;
  /** Host extension (Moddable's Linux serial uses the same name): tty path. */
  device?: string;
  baud: number;
  format?: "buffer";
  /** Called with the number of bytes ready to read. */
  onReadable?(this: SerialInstance, bytes: number): void;
  /** Called with the number of bytes that can be written without throwing. */
  onWritable?(this: SerialInstance, bytes: number): void;
  /** Host extension: the device failed or went away (unplugged terminal). */
  onError?(this: SerialInstance, error: Error): void;
  target?: unknown;
  /** Receive buffer in bytes, for drivers that have one (src/native/esp32/serial-ring: default 8192). */
  ringBytes?: number;
}

export interface SerialClass {
  new (options: SerialOptions): SerialInstance;
}

/** A received datagram: ECMA-419 returns an ArrayBuffer with address and port attached. */
export type Datagram = ArrayBuffer & { address: string; port: number };

/** ECMA-419 UDP socket (+ Moddable's add/remove extension for multicast groups). */
export interface UDPInstance {
  write(data: ByteBuffer, address: string, port: number): void;
  read(): Datagram | undefined;
  /** Join a multicast group (Moddable extension; Node adapter implements it). */
  add?(group: string): void;
  remove?(group: string): void;
  close(): void;
}

export interface UDPOptions {
  port?: number;
  /** Bind address (ignored on ESP32, which binds 0.0.0.0). */
  address?: string;
  /** Multicast TTL (ECMA-419 pairs it with `multicast`). */
  multicast?: string;
  timeToLive?: number;
  /** Host extension: IPv4 address of the interface used for multicast send and joins. */
  interface?: string;
  /** Host extension: SO_REUSEADDR so several listeners can share a group port. */
  reuseAddr?: boolean;
  /** Host extension: SO_RCVBUF in bytes, so bursts are not dropped by the kernel. */
  receiveBufferSize?: number;
  format?: "buffer";
  onReadable?(this: UDPInstance, packets: number): void;
  onError?(this: UDPInstance, error?: Error): void;
  target?: unknown;
}

export interface UDPClass {
  new (options: UDPOptions): UDPInstance;
}

/** Wall clock (ms since the Unix epoch) and a monotonic clock (ms). */
export interface Clock {
  now(): number;
  monotonic(): number;
}

/** Timers: Moddable's Timer on the board, setTimeout/setInterval on Node. */
export interface Timers {
  /** Call `callback` every `interval` ms (repeat) or once (repeat false). */
  set(callback: () => void, interval: number, repeat: boolean): unknown;
  clear(handle: unknown): void;
}

/** Persistent key/value settings (Moddable `preference` rules: keys ≤ 15 chars, int32/string/boolean values). */
export interface SettingsStore {
  get(key: string): string | number | boolean | undefined;
  set(key: string, value: string | number | boolean): void;
  delete(key: string): void;
  keys(): string[];
  /** Make all pending sets durable together (atomic file replace on the host). */
  commit(): void;
}

/** Line-oriented log sink (trace on the board, stderr/syslog on the host). */
export type LogSink = (line: string) => void;
