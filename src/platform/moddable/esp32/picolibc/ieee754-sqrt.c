/*
 * picolibc (ESP-IDF v6.0's default C library, the ESP32-C3 board's) does not export newlib's
 * internal __ieee754_sqrt, which the SDK's build/devices/esp32/lib/pow/e_pow.c (XS's Math.pow)
 * calls. Newlib builds (the Xtensa boards) have it in libm: defined here only under picolibc.
 */
#include "sdkconfig.h"

#if CONFIG_LIBC_PICOLIBC
#include <math.h>

double __ieee754_sqrt(double x);

double __ieee754_sqrt(double x)
{
	return sqrt(x);
}
#endif
