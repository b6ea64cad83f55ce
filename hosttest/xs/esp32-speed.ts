// How fast XS runs the gateway on an ESP32, as used by the real-time receive model
// and the benchmark. ASSUMPTIONS, not measured on a board (none is available here);
// sources: the team reference note docs "xs-esp32-speed.md" (not in this repo).
//
// - XS on this project's workload (the firmware wiring over the corpus, callbacks,
//   decoders, device state) runs about 60-70 M meter units (bytecodes) per second on
//   one core of the development host (AMD EPYC Zen 4 vCPU; measured with the XS test
//   host, scripts/build-xs-host.sh; npm run bench re-measures it as
//   xs.calibration.hostUnitsPerSecond). Simple loops reach ~610 M/s; this code is
//   call- and property-heavy.
// - XS on one 240 MHz ESP32 (LX6) core is 100-250x slower than on that host core,
//   most likely ~150x (xs-esp32-speed.md: no published XS-on-ESP32 timing; the proxy
//   is MicroPython, also a C bytecode interpreter run from flash and built -Os,
//   median 146x over nine benchmarks; CoreMark gives 63-89x for native C).
// - Native C (the byte helpers) on the ESP32: CoreMark 350-520 per core at 240 MHz
//   vs 22,106-33,099 on the host core (63-89x). The host retires ~2-3 x86-64
//   instructions per cycle at ~3.5 GHz on these loops; an LX6 about one Xtensa
//   instruction per cycle at 240 MHz, and a byte loop needs a similar instruction
//   count on both ISAs: 120-240 M x86-equivalent instructions per second.
export const HOST_UNITS_PER_SECOND = 65e6;
export const ESP32_SLOWDOWN = { low: 100, central: 150, high: 250 };
/** XS meter units per second on one ESP32 core: the host rate over the slowdown. */
export const ESP32_UNITS_PER_SECOND = {
  fast: HOST_UNITS_PER_SECOND / ESP32_SLOWDOWN.low,
  central: HOST_UNITS_PER_SECOND / ESP32_SLOWDOWN.central,
  slow: HOST_UNITS_PER_SECOND / ESP32_SLOWDOWN.high,
};
/** x86-64 instructions (valgrind count of the native helpers) per second, ESP32 equivalent. */
export const ESP32_NATIVE_INSTRUCTIONS_PER_SECOND = { fast: 240e6, central: 180e6, slow: 120e6 };
/** The receive buffers: Moddable's ESP32 hardware FIFO, and the ring of src/native/esp32/serial-ring. */
export const FIFO_BYTES = 128;
export const RING_BYTES = 8192;
