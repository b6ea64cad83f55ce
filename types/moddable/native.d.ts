// The project's native modules (src/native/*.js + *.c, board builds only).

declare module "native/bytes" {
  import type { ByteHelpers } from "core/bytes";
  const bytes: ByteHelpers;
  export default bytes;
}

declare module "native/esp32/serial-ring" {
  import type { SerialClass } from "core/io";
  /** ECMA-419 serial with an ESP-IDF receive buffer of `ringBytes` (default 8192); `overflow`: receive overflows so far. */
  const RingSerial: SerialClass;
  export default RingSerial;
}
