/*
 * The field parsers, shared by fieldIndex (src/native/bytes.c) and the native sentence
 * path (src/native/fixes.c): one text defines what a field's number is, so both give
 * the same doubles bit for bit; and the doubles tables' accessors both use.
 */
#ifndef BD450_PARSE_H
#define BD450_PARSE_H

static const double pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* parseDecimal's digit loop over bytes[j..b), one for both of its accumulators: the
   integer im (full at 9 digits: it stops there) when m is NULL, else the double m.
   Counts digits in *nd and fraction digits in *frac (-1 before a '.'). Returns where
   it stopped, or -1 when malformed. Always inlined (also under -fno-inline-functions,
   as XS is built for the board): the pointers become registers, as in a plain loop. */
static inline __attribute__((always_inline)) int decimalDigits(const uint8_t* bytes, int j, int b, int* frac, int* nd,
	uint32_t* im, volatile double* m)
{
	for (; j < b; j++) {
		uint8_t c = bytes[j];
		if (c == '.') {
			if (*frac >= 0) return -1;
			*frac = 0;
			continue;
		}
		if (c < '0' || c > '9') return -1;
		if (m == NULL) {
			if (*nd == 9) break;
			*im = *im * 10 + (c - '0');
		}
		else {
			*m = *m * 10;
			*m = *m + (c - '0');
		}
		(*nd)++;
		if (*frac >= 0) (*frac)++;
	}
	return j;
}

/* [+-]digits[.digits] in bytes[k..b) (bounds checked by the caller), NaN when empty
   or malformed. The same double operations as the TypeScript twin (m = m * 10 + d,
   then one division by 10^fraction digits), so the same result bit for bit. */
static __attribute__((unused)) double parseDecimal(const uint8_t* bytes, int k, int b)
{
	int neg = 0, frac = -1, nd = 0, j;
	uint32_t im = 0;
	volatile double m = 0; /* no fused multiply-add: the same rounding as JS */
	double v;
	if (k >= b) return C_NAN;
	if (bytes[k] == '-' || bytes[k] == '+') {
		neg = bytes[k] == '-';
		k++;
	}
	/* Up to 9 digits the mantissa is a whole number below 2^53 in either arithmetic, so
	   an integer accumulator gives the same double as m * 10 + d: software doubles
	   (RV32IMC, and the ESP32's single-precision FPU) cost tens of instructions each. */
	j = decimalDigits(bytes, k, b, &frac, &nd, &im, NULL);
	if (j < 0) return C_NAN;
	m = (double)im;
	if (decimalDigits(bytes, j, b, &frac, &nd, NULL, &m) < 0) return C_NAN;
	if (nd == 0) return C_NAN;
	v = frac > 0 ? (frac <= 22 ? m / pow10[frac] : m / c_pow(10, frac)) : m;
	return neg ? -v : v;
}

/* [+-]digits in bytes[k..b) (bounds checked by the caller), NaN when empty or malformed:
   a decimal without a '.' (the same double operations, so the same result). */
static __attribute__((unused)) double parseInteger(const uint8_t* bytes, int k, int b)
{
	int j;
	for (j = k; j < b; j++)
		if (bytes[j] == '.') return C_NAN;
	return parseDecimal(bytes, k, b);
}

static __attribute__((unused)) int twoDigits(const uint8_t* b, int k)
{
	int h = b[k] - '0', l = b[k + 1] - '0';
	if (h < 0 || h > 9 || l < 0 || l > 9) return -1;
	return h * 10 + l;
}

/* UTC time hhmmss[.sss] in bytes[a..b) as seconds since midnight (seconds up to 60:
   leap second), NaN when malformed: the TypeScript twin's operations. */
static __attribute__((unused)) double parseTime(const uint8_t* bytes, int a, int b)
{
	int hh, mm;
	double ss;
	if (b - a < 6) return C_NAN;
	hh = twoDigits(bytes, a);
	mm = twoDigits(bytes, a + 2);
	if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return C_NAN;
	ss = parseDecimal(bytes, a + 4, b);
	if (!(ss >= 0 && ss < 61) || bytes[a + 4] < '0' || bytes[a + 4] > '9') return C_NAN;
	return (double)(hh * 3600 + mm * 60) + ss;
}

/* Latitude/longitude magnitude [+-]d+mm[.m+] in bytes[a..b) as degrees (degrees are the
   digits before the minutes' last two integer digits), NaN when malformed. */
static __attribute__((unused)) double parseCoord(const uint8_t* bytes, int a, int b)
{
	int k = a, dot = b, j;
	volatile double deg = 0, min, v;
	if (a >= b) return C_NAN;
	if (bytes[k] == '-' || bytes[k] == '+') k++;
	for (j = k; j < b; j++) if (bytes[j] == '.') { dot = j; break; }
	if (dot - k < 3) return C_NAN;
	for (j = k; j < dot - 2; j++) {
		uint8_t c = bytes[j];
		if (c < '0' || c > '9') return C_NAN;
		deg = deg * 10;
		deg = deg + (c - '0');
	}
	min = parseDecimal(bytes, dot - 2, b);
	if (!(min >= 0 && min < 60)) return C_NAN;
	v = min / 60;
	v = deg + v;
	return v;
}

/* Double number i of a table (fieldIndex's numbers, DeviceState's cells): two word
   accesses when the table is word-aligned (XS buffers are; a double needs no more on
   RV32 or Xtensa without a double FPU), else memcpy (no alignment assumed: Xtensa
   faults on unaligned access). */
static __attribute__((unused)) double getDouble(const uint8_t* table, int i)
{
	double v;
	if (((uintptr_t)table & 3) == 0) {
		uint32_t w[2];
		w[0] = ((const uint32_t*)table)[2 * i];
		w[1] = ((const uint32_t*)table)[2 * i + 1];
		c_memcpy(&v, w, 8);
	}
	else
		c_memcpy(&v, table + 8 * i, 8);
	return v;
}

static __attribute__((unused)) void putDouble(uint8_t* table, int i, double v)
{
	if (((uintptr_t)table & 3) == 0) {
		uint32_t w[2];
		c_memcpy(w, &v, 8);
		((uint32_t*)table)[2 * i] = w[0];
		((uint32_t*)table)[2 * i + 1] = w[1];
	}
	else
		c_memcpy(table + 8 * i, &v, 8);
}

#endif
