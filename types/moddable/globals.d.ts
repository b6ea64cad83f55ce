// Globals of a Moddable ESP32 firmware that bd450 uses.
//
// `device` is set by Moddable's preloaded "system" module (ECMA-419 host provider,
// deep-frozen). On plain `-p esp32` there is no `device.Serial.default`, so bd450
// takes UART pins from its board file and only uses `device.io.Serial`.
// `trace` is the XS console print: xsbug in debug builds, UART0 text in -i builds,
// nowhere in release builds. It does not append a newline.

declare var device: typeof import("embedded:provider/builtin").default;

declare function trace(...values: unknown[]): void;

declare var System: typeof import("embedded:io/system").default;
