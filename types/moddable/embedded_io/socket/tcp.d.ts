// embedded:io/socket/tcp and embedded:io/socket/listener — ECMA-419 TCP (Moddable lwIP
// implementation on ESP32, modules/io/socket/lwip), as the web page's HTTP engine
// (src/web/http.ts) uses them: buffer format; read(n) throws past the bytes waiting;
// write() throws "would block" past the send buffer and returns the room left;
// onWritable fires once a socket made `from` a listener has send room.

declare module "embedded:io/socket/tcp" {
  type Bytes = ArrayBuffer | SharedArrayBuffer | Uint8Array | Int8Array | Uint8ClampedArray | DataView;

  interface TCPOptions {
    /** A socket taken from a Listener's read(). */
    from: unknown;
    nodelay?: boolean;
    onReadable?(this: TCP, bytes: number): void;
    onWritable?(this: TCP, bytes: number): void;
    onError?(this: TCP): void;
    format?: "buffer";
    target?: unknown;
  }

  export default class TCP {
    constructor(options: TCPOptions);
    readonly remoteAddress: string | undefined;
    readonly remotePort: number | undefined;
    read(byteLength?: number): ArrayBuffer | undefined;
    write(data: Bytes): number;
    close(): void;
    format: "buffer";
  }
}

declare module "embedded:io/socket/listener" {
  export default class Listener {
    constructor(options: { port?: number; address?: string; onReadable?(this: Listener, requests: number): void; format?: "socket/tcp"; target?: unknown });
    /** A pending connection for new TCP({from}), or undefined. */
    read(): unknown;
    close(): void;
    readonly port: number;
  }
}
