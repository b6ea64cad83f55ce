// Type of the native module native/esp32/serial-ring (serial-ring.js + .c), listed beside
// it in the manifest so that mcconfig's TypeScript step finds it.

declare module "native/esp32/serial-ring" {
  import type { SerialClass } from "core/io";

  /** ECMA-419 serial with an ESP-IDF receive buffer of `ringBytes` (default 8192); `overflow`: receive overflows so far. */
  const RingSerial: SerialClass;
  export default RingSerial;
}
