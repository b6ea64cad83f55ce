// Terminal UART with a receive ring (ESP32): the ECMA-419 serial contract the
// gateway uses (options in, onReadable(count) / onWritable(count) out,
// read(buffer), write(buffer) throwing "output full", close()), but received bytes
// wait in the ESP-IDF UART driver's buffer of `ringBytes` (default 8192) filled by
// its interrupt, instead of Moddable's 128-byte hardware FIFO: a JS stall of up to
// ringBytes / (baud / 10) seconds loses nothing. `overflow` counts the times bytes
// were lost anyway (the gateway reports it: status, alert 10010).
// Native part: serial-ring.c (ESP32 only).

class RingSerial @ "xs_bd450_ring_destructor" {
  constructor(options) @ "xs_bd450_ring_constructor";
  close() @ "xs_bd450_ring_close";
  read(buffer) @ "xs_bd450_ring_read";
  write(buffer) @ "xs_bd450_ring_write";
  get overflow() @ "xs_bd450_ring_overflow";
  get format() { return "buffer"; }
  set format(value) { if (value !== "buffer") throw new RangeError("invalid format"); }
}

export default RingSerial;
