/*
 * bd450 native byte helpers (xsmc): the byte loops of the serial-to-network hot
 * path, behind the JS API of src/native/bytes.js. The TypeScript functions of
 * src/core/bytes.ts are the reference implementation and the Node path; these
 * must return byte-identical results (hosttest/xs/native-sameness.test.ts runs
 * both on a real XS build over the corpus, chunked several ways, and fuzz input).
 *
 * Each function checks its buffer bounds and throws a RangeError instead of
 * reading or writing outside a buffer.
 */
#include "xsmc.h"
#include "xsHost.h"

#define DOLLAR 0x24
#define BANG 0x21
#define STAR 0x2a
#define COMMA 0x2c
#define BACKSLASH 0x5c

/* Reject codes: index in REJECT_REASONS (src/core/framer.ts) + 1. */
#define BAD_CHECKSUM 1
#define NO_CHECKSUM 2
#define BAD_CHARACTER 4
#define TRUNCATED 5
#define BAD_ADDRESS 6

static const char hexDigits[] = "0123456789ABCDEF";

static uint8_t* bufferArg(xsMachine* the, int i, xsUnsignedValue* count, int writable)
{
	void* data;
	if (writable)
		xsmcGetBufferWritable(xsArg(i), &data, count);
	else
		xsmcGetBufferReadable(xsArg(i), &data, count);
	return (uint8_t*)data;
}

static int intArg(xsMachine* the, int i)
{
	return xsmcToInteger(xsArg(i));
}

/* scanText(bytes, start, end, buf, len): copy printable text bytes (not '$' / '!')
   from bytes[start..end) to buf[len..); stop at any other byte or a full buf.
   Returns the index in bytes where it stopped. */
void xs_bd450_scan_text(xsMachine* the)
{
	xsUnsignedValue size, max;
	const uint8_t* bytes = bufferArg(the, 0, &size, 0);
	int i = intArg(the, 1), end = intArg(the, 2);
	uint8_t* buf = bufferArg(the, 3, &max, 1);
	int len = intArg(the, 4);
	if (i < 0 || end > (int)size || len < 0 || len > (int)max) xsRangeError("out of range");
	while (i < end && len < (int)max) {
		uint8_t c = bytes[i];
		if (c < 0x20 || c == 0x7f || c == DOLLAR || c == BANG) break;
		buf[len++] = c;
		i++;
	}
	xsmcSetInteger(xsResult, i);
}

static int hexValue(uint8_t c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* The verdict on a text unit b[0..n) ended by a line end: 0 when it is a valid
   sentence (checksum; address of upper-case letters and digits up to the first
   ','), otherwise the reject code. n is within the buffer (checked by the caller). */
static int checkLine(const uint8_t* b, int n)
{
	int k, result = 0;
	if (n < 4)
		result = n == 1 ? TRUNCATED : NO_CHECKSUM;
	else if (b[n - 3] == STAR) {
		int h = hexValue(b[n - 2]), l = hexValue(b[n - 1]);
		uint8_t x = 0;
		for (k = 1; k < n - 3; k++) x ^= b[k];
		if (h < 0 || l < 0 || ((h << 4) | l) != x) result = BAD_CHECKSUM;
	}
	else
		result = (b[n - 2] == STAR || b[n - 1] == STAR) ? BAD_CHECKSUM : NO_CHECKSUM;
	if (result == 0) {
		for (k = 1; k < n - 3 && b[k] != COMMA; k++) {
			uint8_t a = b[k];
			if (!((a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9'))) {
				result = (a == STAR || a == BACKSLASH) ? BAD_CHARACTER : BAD_ADDRESS;
				break;
			}
		}
		if (result == 0 && k < 3) result = BAD_ADDRESS;
	}
	return result;
}

/* checkSentence(buf, n): a text unit buf[0..n) ended by a line end: checkLine's verdict. */
void xs_bd450_check_sentence(xsMachine* the)
{
	xsUnsignedValue size;
	const uint8_t* b = bufferArg(the, 0, &size, 0);
	int n = intArg(the, 1);
	if (n < 0 || n > (int)size) xsRangeError("out of range");
	xsmcSetInteger(xsResult, checkLine(b, n));
}

#define FRAME_MORE 14
#define FRAME_OTHER 15

/* The framer's tally (src/core/bytes.ts TALLY_*): each counter a 64-bit count as two
   32-bit words, low first (platform order), where frameText adds its counts: integer
   adds, where doubles are software on RV32 and the ESP32. A reject code k counts at
   TALLY_REJECTED + k. */
#define TALLY_NOISE 1
#define TALLY_UNITS 2
#define TALLY_SENTENCES 3
#define TALLY_REJECTED 5
#define TALLY_LENGTH 14

/* tally[k] += n, with the carry into the high word. */
static void addTally(uint32_t* tally, int k, int n)
{
	uint32_t lo = tally[2 * k] + (uint32_t)n;
	if (lo < tally[2 * k]) tally[2 * k + 1]++;
	tally[2 * k] = lo;
}

/* frameText(bytes, start, end, buf, io, tally, quiet): the framer's common path,
   line after line, in one call. io holds two 16-bit numbers (platform order): [0] the
   length of the text unit in buf (0 between units), [1] the result code. Between
   units: skip to a start character (bytes other than CR/LF counted as noise) and
   begin a unit with it (counted in units). Then copy text bytes as scanText does. At a
   CR/LF ending the unit (consumed) checkLine's verdict: a sentence (counted in
   sentences) stops the call with io[1] = 0; a reject is counted (rejected and its
   reason) and stops the call with its code, unless `quiet` (a framer without an
   onReject callback): then it goes on with the next unit, and so it does after a
   control byte ending a unit (consumed; badCharacter) unless that byte may start an
   RDSS 4.0 frame (a unit of 5 bytes from '$': the framer decides), and after a start
   character right after the unit's own (quiet: the first a truncated unit, counted, the
   second begins the next, as the JS framer decides it). Stops at the end
   of the input (io[1] = FRAME_MORE) and at any other byte (not consumed; FRAME_OTHER).
   io[0] = the unit's length. The counts are added to `tally` (the framer's counters
   as 64-bit integers: no property lookups) at the end of the call. Returns the index in
   bytes where it stopped. */
/* frameText's loop: frames bytes[i..end) into buf (max bytes) from a unit of *len bytes;
   sets *len and *code, adds the counts to tally; returns where it stopped. */
static int frameLoop(const uint8_t* bytes, int i, int end, uint8_t* buf, int max, int* len, int* code, uint32_t* tally,
	int quiet)
{
	int n = *len, k, result;
	int noise = 0, units = 0, sentences = 0, rejected = 0, rejects[9] = { 0 };
	for (;;) {
		uint8_t c;
		if (n == 0) {
			for (; i < end; i++) {
				c = bytes[i];
				if (c == DOLLAR || c == BANG) break;
				if (c != 0x0d && c != 0x0a) noise++;
			}
			if (i >= end) {
				result = FRAME_MORE;
				break;
			}
			buf[0] = bytes[i++];
			n = 1;
			units++;
		}
		while (i < end && n < max) {
			c = bytes[i];
			if (c < 0x20 || c == 0x7f || c == DOLLAR || c == BANG) break;
			buf[n++] = c;
			i++;
		}
		if (i >= end) {
			result = FRAME_MORE;
			break;
		}
		c = bytes[i];
		if (c == 0x0d || c == 0x0a) {
			i++;
			result = checkLine(buf, n);
			if (result == 0) {
				sentences++;
				break;
			}
			rejected++;
			rejects[result]++;
			if (!quiet) break;
			n = 0;
			continue;
		}
		if (quiet && (c < 0x20 || c == 0x7f) && !(n == 5 && c < 0x20 && buf[0] == DOLLAR)) {
			i++;
			rejected++;
			rejects[BAD_CHARACTER]++;
			n = 0;
			continue;
		}
		/* "$$GGA,...": a start character right after the unit's own (quiet) makes the first a
		   truncated unit, as the framer's later-start rule decides it at the line end (the
		   first candidate has no address: SentenceFramer.endText); the line stays here. */
		if (quiet && n == 1 && (c == DOLLAR || c == BANG)) {
			i++;
			rejected++;
			rejects[TRUNCATED]++;
			units++;
			buf[0] = c;
			continue;
		}
		result = FRAME_OTHER;
		break;
	}
	*len = n;
	*code = result;
	if (noise) addTally(tally, TALLY_NOISE, noise);
	if (units) addTally(tally, TALLY_UNITS, units);
	if (sentences) addTally(tally, TALLY_SENTENCES, sentences);
	if (rejected) {
		addTally(tally, TALLY_REJECTED, rejected);
		for (k = 1; k < 9; k++)
			if (rejects[k]) addTally(tally, TALLY_REJECTED + k, rejects[k]);
	}
	return i;
}

void xs_bd450_frame_text(xsMachine* the)
{
	xsUnsignedValue size, max, ioSize, tallySize;
	const uint8_t* bytes = bufferArg(the, 0, &size, 0);
	int i = intArg(the, 1), end = intArg(the, 2), len, code;
	uint8_t* buf = bufferArg(the, 3, &max, 1);
	uint16_t* io = (uint16_t*)bufferArg(the, 4, &ioSize, 1);
	uint32_t* tally = (uint32_t*)bufferArg(the, 5, &tallySize, 1);
	int quiet = xsmcArgc > 6 && xsmcTest(xsArg(6));
	if (ioSize < 4 || ((uintptr_t)io & 1) || tallySize < 8 * TALLY_LENGTH || ((uintptr_t)tally & 3)) xsRangeError("out of range");
	len = io[0];
	if (i < 0 || end > (int)size || len > (int)max || max < 1) xsRangeError("out of range");
	i = frameLoop(bytes, i, end, buf, (int)max, &len, &code, tally, quiet);
	io[0] = (uint16_t)len;
	io[1] = (uint16_t)code;
	xsmcSetInteger(xsResult, i);
}

#include "bd450-parse.h"

/* fieldIndex(bytes, bodyEnd, table, max[, numbers]): start offsets (16-bit, platform
   order) of the comma-separated fields of bytes[1..bodyEnd) at table[0..), end offsets
   from table[2 * (max + 1)..); returns the last field's index, or -1 past max fields.
   With numbers (42 * (max + 1)+ bytes; m = max + 1), for each indexed field i: its
   decimal, integer and time of day at doubles i, m + i, 2m + i; the latitude and
   longitude it gives with the hemisphere letter of field i + 1 (N/S up to 90, E/W up
   to 180, S and W negative; else NaN) at doubles 3m + i and 4m + i; its character
   (one byte long; 0 empty, -1 longer) as a 16-bit integer at byte 40m + 2i. NaN
   (character 0) past the last indexed field: the decoders read numbers from there
   instead of making one call per field. */
void xs_bd450_field_index(xsMachine* the)
{
	xsUnsignedValue size, tableSize, numbersSize = 0;
	const uint8_t* b = bufferArg(the, 0, &size, 0);
	int bodyEnd = intArg(the, 1);
	uint16_t* table = (uint16_t*)bufferArg(the, 2, &tableSize, 1);
	int max = intArg(the, 3), n = 0, s = 1, i, over = 0;
	uint16_t* ends = table + max + 1;
	uint8_t* numbers = NULL;
	if (max < 0 || tableSize < 4 * ((xsUnsignedValue)max + 1) || bodyEnd > (int)size || ((uintptr_t)table & 1)) xsRangeError("out of range");
	if (xsmcArgc > 4 && xsmcTypeOf(xsArg(4)) != xsUndefinedType) {
		numbers = bufferArg(the, 4, &numbersSize, 1);
		if (numbersSize < 42 * ((xsUnsignedValue)max + 1)) xsRangeError("out of range");
	}
	for (i = 1; i < bodyEnd; i++) {
		if (b[i] != COMMA) continue;
		if (n >= max) { over = 1; break; }
		table[n] = (uint16_t)s;
		ends[n] = (uint16_t)i;
		n++;
		s = i + 1;
	}
	if (!over) {
		table[n] = (uint16_t)s;
		ends[n] = (uint16_t)bodyEnd;
	}
	if (numbers) {
		/* memcpy: no alignment assumed for the doubles (Xtensa faults on unaligned access). */
		int last = over ? n - 1 : n, m = max + 1;
		uint8_t* chars = numbers + 40 * m;
		for (i = 0; i <= last; i++) {
			int len = ends[i] - table[i];
			int16_t c = len == 0 ? 0 : len == 1 ? b[table[i]] : -1;
			c_memcpy(chars + 2 * i, &c, 2);
		}
		for (i = 0; i <= last; i++) {
			double d = C_NAN, k = C_NAN, t = C_NAN, lat = C_NAN, lon = C_NAN;
			{
				int h = 0, j;
				d = parseDecimal(b, table[i], ends[i]);
				/* parseInteger: the same decimal when the field has no '.' */
				for (j = table[i]; j < ends[i] && b[j] != '.'; j++)
					;
				k = j < ends[i] ? C_NAN : d;
				/* a time of day needs hhmm digits first */
				if (ends[i] - table[i] >= 6 && b[table[i]] <= '2' && b[table[i]] >= '0')
					t = parseTime(b, table[i], ends[i]);
				if (i < last && ends[i + 1] - table[i + 1] == 1) h = b[table[i + 1]];
				if (h == 'N' || h == 'S' || h == 'E' || h == 'W') {
					double deg = parseCoord(b, table[i], ends[i]);
					if ((h == 'N' || h == 'S') && deg <= 90) lat = h == 'S' ? -deg : deg;
					if ((h == 'E' || h == 'W') && deg <= 180) lon = h == 'W' ? -deg : deg;
				}
			}
			putDouble(numbers, i, d);
			putDouble(numbers, m + i, k);
			putDouble(numbers, 2 * m + i, t);
			putDouble(numbers, 3 * m + i, lat);
			putDouble(numbers, 4 * m + i, lon);
		}
		/* Past the last field: NaN and character 0 in every table, as plain word stores
		   when the table is word-aligned (most of the 65 slots; a call per double was
		   thousands of instructions per sentence on RV32). */
		if (((uintptr_t)numbers & 3) == 0) {
			uint32_t nan[2], *w = (uint32_t*)numbers;
			double v = C_NAN;
			c_memcpy(nan, &v, 8);
			for (i = last + 1; i <= max; i++) {
				int t;
				((uint16_t*)chars)[i] = 0;
				for (t = 0; t < 5; t++) {
					w[2 * (t * m + i)] = nan[0];
					w[2 * (t * m + i) + 1] = nan[1];
				}
			}
		}
		else {
			for (i = last + 1; i <= max; i++) {
				int16_t c = 0;
				c_memcpy(chars + 2 * i, &c, 2);
				putDouble(numbers, i, C_NAN);
				putDouble(numbers, m + i, C_NAN);
				putDouble(numbers, 2 * m + i, C_NAN);
				putDouble(numbers, 3 * m + i, C_NAN);
				putDouble(numbers, 4 * m + i, C_NAN);
			}
		}
	}
	xsmcSetInteger(xsResult, over ? -1 : n);
}

/* fieldIds(numbers, max, from, to, step, lo, ids, cap[, at]): a run of ID fields in
   fieldIndex's number table (m = max + 1): fields from, from + step, ... below to, each
   an integer lo..999 (its integer double, m + i) or empty (NaN with character 0). The
   valid ones are counted, the first cap of them written to ids (16-bit, platform order;
   undefined: not written) and their field index to at (optional). Returns the count, or
   -1 - count at the first field that is neither. One call for a GSA's 12 slots or a
   GSV's 4 groups: per slot on XS a typed-array read, a test and a write cost ~2,000
   RV32 instructions. */
void xs_bd450_field_ids(xsMachine* the)
{
	xsUnsignedValue size, idsSize = 0, atSize = 0;
	const uint8_t* numbers;
	uint8_t *ids = NULL, *at = NULL;
	int max, i, to, step, lo, cap, m, count = 0;
	if (xsmcArgc < 8) xsRangeError("out of range");
	numbers = bufferArg(the, 0, &size, 0);
	max = intArg(the, 1);
	i = intArg(the, 2);
	to = intArg(the, 3);
	step = intArg(the, 4);
	lo = intArg(the, 5);
	cap = intArg(the, 7);
	if (xsmcTypeOf(xsArg(6)) != xsUndefinedType) ids = bufferArg(the, 6, &idsSize, 1);
	if (xsmcArgc > 8 && xsmcTypeOf(xsArg(8)) != xsUndefinedType) at = bufferArg(the, 8, &atSize, 1);
	m = max + 1;
	if (max < 0 || size < 42 * (xsUnsignedValue)m || i < 0 || to > m || step < 1 || lo < 0 || lo > 999 || cap < 0 ||
		(ids && idsSize < 2 * (xsUnsignedValue)cap) || (at && atSize < (xsUnsignedValue)cap))
		xsRangeError("out of range");
	for (; i < to; i += step) {
		double id;
		c_memcpy(&id, numbers + 8 * (m + i), 8);
		if (id >= lo && id <= 999) {
			if (count < cap) {
				if (ids) {
					int16_t v = (int16_t)id;
					c_memcpy(ids + 2 * count, &v, 2);
				}
				if (at) at[count] = (uint8_t)i;
				count++;
			}
		}
		else {
			int16_t c;
			c_memcpy(&c, numbers + 40 * m + 2 * i, 2);
			if (id == id || c != 0) {
				count = -1 - count;
				break;
			}
		}
	}
	xsmcSetInteger(xsResult, count);
}

/* v rounded as JS Math.round does (half up), for |v| < 2^15: v - floor(v) is exact there. */
static int roundHalfUp(double v)
{
	int r = (int)v;
	if ((double)r > v) r--;
	if (v - r >= 0.5) r++;
	return r;
}

/* wholes(numbers, idx, off, n, lo, hi, none, out, at, width): for c < n, double
   idx[c] + off of numbers (platform order) as a whole number (Math.round) when within
   lo..hi, else none, written at out[width * (at + c)] as a width-byte (1 or 2) signed
   integer, little-endian. lo, hi, none within -32768..32767. Returns n. A GSV
   group's column (elevations, ...) from the field table into the sky view in one call. */
void xs_bd450_wholes(xsMachine* the)
{
	xsUnsignedValue size, idxSize, outSize;
	const uint8_t *numbers, *idx;
	uint8_t* out;
	int off, n, lo, hi, none, at, width, c;
	if (xsmcArgc < 10) xsRangeError("out of range");
	numbers = bufferArg(the, 0, &size, 0);
	idx = bufferArg(the, 1, &idxSize, 0);
	off = intArg(the, 2);
	n = intArg(the, 3);
	lo = intArg(the, 4);
	hi = intArg(the, 5);
	none = intArg(the, 6);
	out = bufferArg(the, 7, &outSize, 1);
	at = intArg(the, 8);
	width = intArg(the, 9);
	if (n < 0 || idxSize < (xsUnsignedValue)n || (width != 1 && width != 2) || at < 0 ||
		(uint64_t)outSize < (uint64_t)width * ((uint64_t)at + (uint64_t)n) || lo < -32768 || lo > 32767 ||
		hi < -32768 || hi > 32767 || none < -32768 || none > 32767)
		xsRangeError("out of range");
	for (c = 0; c < n; c++) {
		int j = idx[c] + off, w, p;
		double v;
		if (j < 0 || (int64_t)8 * j + 8 > (int64_t)size) xsRangeError("out of range");
		c_memcpy(&v, numbers + 8 * j, 8);
		w = v >= lo && v <= hi ? roundHalfUp(v) : none;
		p = width * (at + c);
		out[p] = (uint8_t)(w & 255);
		if (width == 2) out[p + 1] = (uint8_t)((w >> 8) & 255);
	}
	xsmcSetInteger(xsResult, n);
}

/* A number parsed from bytes[a..b) (arguments 0-2) as the result. */
static void numberResult(xsMachine* the, double (*parse)(const uint8_t*, int, int))
{
	xsUnsignedValue size;
	const uint8_t* bytes = bufferArg(the, 0, &size, 0);
	int k = intArg(the, 1), b = intArg(the, 2);
	if (k < 0 || b > (int)size) xsRangeError("out of range");
	xsmcSetNumber(xsResult, parse(bytes, k, b));
}

/* decimal(bytes, a, b): [+-]digits[.digits] as a number, NaN when empty or malformed. */
void xs_bd450_decimal(xsMachine* the)
{
	numberResult(the, parseDecimal);
}

/* integer(bytes, a, b): [+-]digits as a number, NaN when empty or malformed. */
void xs_bd450_integer(xsMachine* the)
{
	numberResult(the, parseInteger);
}

/* xor(bytes, start, end): XOR of bytes[start..end). */
void xs_bd450_xor(xsMachine* the)
{
	xsUnsignedValue size;
	const uint8_t* b = bufferArg(the, 0, &size, 0);
	int i = intArg(the, 1), end = intArg(the, 2);
	uint8_t x = 0;
	if (i < 0 || end > (int)size) xsRangeError("out of range");
	for (; i < end; i++) x ^= b[i];
	xsmcSetInteger(xsResult, x);
}

/* Reserved inside a carrier chunk: escaped as ^HH. */
static int reserved(uint8_t c)
{
	return c < 0x20 || c >= 0x7f || c == DOLLAR || c == BANG || c == STAR || c == BACKSLASH || c == '^' || c == '~';
}

/* chunkEnd(src, from, length, budget): end of the chunk of src[from..length) that
   fits budget bytes escaped (3 per reserved byte, never split). */
void xs_bd450_chunk_end(xsMachine* the)
{
	xsUnsignedValue size;
	const uint8_t* src = bufferArg(the, 0, &size, 0);
	int i = intArg(the, 1), length = intArg(the, 2), budget = intArg(the, 3), used = 0;
	if (i < 0 || length > (int)size) xsRangeError("out of range");
	for (; i < length; i++) {
		int n = reserved(src[i]) ? 3 : 1;
		if (used + n > budget) break;
		used += n;
	}
	xsmcSetInteger(xsResult, i);
}

/* src[k..to) at o[p], each reserved character as ^HH; returns the new end (the caller
   has checked the room: 3 bytes per source byte). */
static int escapeInto(uint8_t* o, int p, const uint8_t* src, int k, int to)
{
	for (; k < to; k++) {
		uint8_t c = src[k];
		if (reserved(c)) {
			o[p++] = '^';
			o[p++] = hexDigits[c >> 4];
			o[p++] = hexDigits[c & 15];
		}
		else
			o[p++] = c;
	}
	return p;
}

/* escape(out, p, src, from, to): src[from..to) escaped at out[p]; returns the new end. */
void xs_bd450_escape(xsMachine* the)
{
	xsUnsignedValue outSize, size;
	uint8_t* o = bufferArg(the, 0, &outSize, 1);
	int p = intArg(the, 1);
	const uint8_t* src = bufferArg(the, 2, &size, 0);
	int k = intArg(the, 3), to = intArg(the, 4);
	if (p < 0 || k < 0 || to > (int)size || (k < to && p + 3 * (to - k) > (int)outSize)) xsRangeError("out of range");
	p = escapeInto(o, p, src, k, to);
	xsmcSetInteger(xsResult, p);
}

static int writeDecimal(uint8_t* o, int p, int64_t v)
{
	char digits[20];
	int n = 0;
	if (v >= 0 && v <= 0xffffffff) {
		/* 32-bit divisions: a 64-bit one is a library call on RV32 and Xtensa */
		uint32_t u = (uint32_t)v;
		do {
			digits[n++] = (char)('0' + (u % 10));
			u /= 10;
		} while (u > 0);
	}
	else
		do {
			digits[n++] = (char)('0' + (v % 10));
			v /= 10;
		} while (v > 0);
	while (n) o[p++] = digits[--n];
	return p;
}

/* Digits of v >= 0. */
static int decimalLength(int64_t v)
{
	int n = 1;
	int64_t limit = 10;
	while (v >= limit && n < 19) { /* comparisons, no 64-bit division */
		limit *= 10;
		n++;
	}
	return n;
}

/* A TAG block "\\[g:<gLine>-<gTotal>-<gCode>,]s:<sfi>,n:<line>[,c:<seconds>][,d:<dest>]*HH\\"
   at o[p] (gTotal <= 0: no g:; seconds < 0: no c:; no dest: no d:); returns the end.
   The caller has checked the room (tagLength). */
static int writeTag(uint8_t* o, int p, const uint8_t* sfi, int sfiSize, int line, double seconds,
	int gLine, int gTotal, int gCode, const uint8_t* dest, int destSize)
{
	int i, start;
	uint8_t x = 0;
	o[p++] = BACKSLASH;
	start = p;
	if (gTotal > 0) {
		o[p++] = 'g'; o[p++] = ':';
		p = writeDecimal(o, p, gLine);
		o[p++] = '-';
		p = writeDecimal(o, p, gTotal);
		o[p++] = '-';
		p = writeDecimal(o, p, gCode);
		o[p++] = ',';
	}
	o[p++] = 's'; o[p++] = ':';
	for (i = 0; i < sfiSize; i++) o[p++] = sfi[i];
	o[p++] = ','; o[p++] = 'n'; o[p++] = ':';
	p = writeDecimal(o, p, line);
	if (seconds >= 0) {
		o[p++] = ','; o[p++] = 'c'; o[p++] = ':';
		p = writeDecimal(o, p, (int64_t)seconds);
	}
	if (dest) {
		o[p++] = ','; o[p++] = 'd'; o[p++] = ':';
		for (i = 0; i < destSize; i++) o[p++] = dest[i];
	}
	for (i = start; i < p; i++) x ^= o[i];
	o[p++] = STAR;
	o[p++] = hexDigits[x >> 4];
	o[p++] = hexDigits[x & 15];
	o[p++] = BACKSLASH;
	return p;
}

/* tagBlock(out, p, sfi, line, seconds, gLine, gTotal, gCode[, dest]): writeTag at out[p]
   (the TAG block of the encoder's other paths: carrier lines, d:, verbatim); returns
   the end. Numbers: non-negative integers (seconds: the whole part), as the encoder's. */
void xs_bd450_tag_block(xsMachine* the)
{
	xsUnsignedValue outSize, sfiSize, destSize = 0;
	uint8_t* o = bufferArg(the, 0, &outSize, 1);
	int p = intArg(the, 1);
	const uint8_t* sfi = bufferArg(the, 2, &sfiSize, 0);
	int line = intArg(the, 3);
	double seconds = xsmcToNumber(xsArg(4));
	int gLine = intArg(the, 5), gTotal = intArg(the, 6), gCode = intArg(the, 7), n;
	const uint8_t* dest = NULL;
	if (xsmcArgc > 8 && xsmcTypeOf(xsArg(8)) != xsUndefinedType) dest = bufferArg(the, 8, &destSize, 0);
	if (p < 0 || line < 0 || gLine < 0 || gTotal < 0 || gCode < 0 || sfiSize > 64 || destSize > 64) xsRangeError("out of range");
	n = 1 + (gTotal > 0 ? 2 + decimalLength(gLine) + 1 + decimalLength(gTotal) + 1 + decimalLength(gCode) + 1 : 0) +
		2 + (int)sfiSize + 3 + decimalLength(line) + (seconds >= 0 ? 3 + decimalLength((int64_t)seconds) : 0) +
		(dest ? 3 + (int)destSize : 0) + 4;
	if ((xsUnsignedValue)p + n > outSize) xsRangeError("out of range");
	xsmcSetInteger(xsResult, writeTag(o, p, sfi, (int)sfiSize, line, seconds, gLine, gTotal, gCode, dest, (int)destSize));
}

/* writeLine(out, sfi, line, seconds, sentence, length[, store]): the whole one-line datagram
   "UdPbC\0\s:<sfi>,n:<line>[,c:<seconds>]*HH\<sentence>\r\n" in out; seconds < 0
   leaves c: out. Returns its length, or 0 when the sentence is not one a strict
   receiver accepts as it is (longer than 80 bytes, a byte outside 0x20..0x7E after
   the start character, or a reserved character in the fields): the caller then
   takes the overlong policy's path. With `store` (the resizable ArrayBuffer under a
   length-tracking out), it is first sized to the datagram's exact length: the socket
   is handed the whole buffer, and shrinking it back and forth around each send cost a
   resize call and a zero-fill of the buffer's tail per sentence. Seconds: the whole part. */
void xs_bd450_write_line(xsMachine* the)
{
	xsUnsignedValue outSize, sfiSize, size;
	uint8_t* o = bufferArg(the, 0, &outSize, 1);
	const uint8_t* sfi = bufferArg(the, 1, &sfiSize, 0);
	int line = intArg(the, 2);
	double seconds = xsmcToNumber(xsArg(3));
	const uint8_t* s = bufferArg(the, 4, &size, 0);
	int length = intArg(the, 5), i, p = 0;
	if (length < 0 || length > (int)size || line < 0 || line > 999) xsRangeError("out of range");
	if (length > 80) { xsmcSetInteger(xsResult, 0); return; }
	for (i = 1; i < length; i++) {
		uint8_t c = s[i];
		if (c < 0x20 || c >= 0x7f) { xsmcSetInteger(xsResult, 0); return; }
		/* reserved characters in the fields ('^' only as the start of a ^HH escape) */
		if (i < length - 3 && (c == DOLLAR || c == BANG || c == STAR || c == BACKSLASH || c == 0x7e ||
				(c == '^' && (i + 2 >= length - 3 || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0)))) {
			xsmcSetInteger(xsResult, 0);
			return;
		}
	}
	if (xsmcArgc > 6 && xsmcTypeOf(xsArg(6)) != xsUndefinedType) {
		/* header 6 + \s: + sfi + ,n:line [+ ,c:seconds] + *HH\ + sentence + CR LF */
		int n = 6 + 3 + (int)sfiSize + 3 + decimalLength(line) + (seconds >= 0 ? 3 + decimalLength((int64_t)seconds) : 0) + 4 + length + 2;
		if (n > xsmcGetArrayBufferMaxLength(xsArg(6))) xsRangeError("out of range");
		xsmcSetArrayBufferLength(xsArg(6), n);
		o = bufferArg(the, 0, &outSize, 1); /* the resize may have moved it */
		sfi = bufferArg(the, 1, &sfiSize, 0);
		s = bufferArg(the, 4, &size, 0);
		if (outSize < (xsUnsignedValue)n) xsRangeError("out of range");
	}
	/* header 6 + TAG (<= 80) + sentence (<= 80) + CR LF */
	else if (outSize < 6 + 2 + sfiSize + 4 + 3 + 24 + 4 + (xsUnsignedValue)length + 2) xsRangeError("out of range");
	o[p++] = 'U'; o[p++] = 'd'; o[p++] = 'P'; o[p++] = 'b'; o[p++] = 'C'; o[p++] = 0;
	p = writeTag(o, p, sfi, (int)sfiSize, line, seconds, 0, 0, 0, NULL, 0);
	for (i = 0; i < length; i++) o[p++] = s[i];
	o[p++] = 0x0d;
	o[p++] = 0x0a;
	xsmcSetInteger(xsResult, p);
}

/* The forward block (src/core/bytes.ts FW_*): 32-bit words, platform order. */
#define FW_LEN 0
#define FW_N 1
#define FW_PENDING 2
#define FW_LINE 3
#define FW_SFI 4
#define FW_ROUTES 6
#define FW_LIMITS 7
#define FW_COUNTS 8
#define FW_JS 0xffffffffu
#define FC_HEARD 0
#define FC_FORWARDED 1
#define FC_DATAGRAMS 2
#define FC_SENTENCES 3
#define FC_ENCODED 4
#define FC_BYTES 5
#define FC_LINES 6
#define FC_PER_GROUP 7
#define FC_LENGTH (FC_PER_GROUP + 21)
#define FW_TALLY (FW_COUNTS + 2 * FC_LENGTH)
#define FW_TABLE (FW_TALLY + 2 * TALLY_LENGTH)
#define F_FORWARD 1
#define F_UNIT 2
#define F_QUIET 4
#define F_ASK 8
#define A_SENT 16
#define A_UNIT 17
#define A_FORWARD 18
#define A_JS 19
#define A_ASK 20
#define A_SENT_UNIT 21
#define FW_MAX_SPAN 0x1fffff

/* The value of key in the ascending table w[0..count) (key * 256 + value), or -1. */
static int lookup(const uint32_t* w, int count, uint32_t key)
{
	int lo = 0, hi = count - 1;
	while (lo <= hi) {
		int mid = (lo + hi) >> 1;
		uint32_t k = w[mid] >> 8;
		if (k == key) return (int)(w[mid] & 255);
		if (k < key) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}

/* More commas than the formatter's field limit allows (Iec450Encoder.tooManyFields)? */
static int tooManyFields(const uint32_t* limits, int count, const uint8_t* b, int length)
{
	int k = 1, limit, fields = 0;
	while (k < length && b[k] != COMMA) k++;
	if (k < 4 || k >= length) return 0;
	limit = lookup(limits, count, ((uint32_t)b[k - 3] << 16) | ((uint32_t)b[k - 2] << 8) | b[k - 1]);
	if (limit < 0) return 0;
	for (; k < length - 3; k++)
		if (b[k] == COMMA) fields++;
	return fields > limit;
}

/* Strictly carriable (writeLine's check): at most 80 bytes of printable ASCII, no
   reserved character in the fields ('^' only as the start of a ^HH escape). */
static int carriable(const uint8_t* s, int length)
{
	int i;
	if (length > 80) return 0;
	for (i = 1; i < length; i++) {
		uint8_t c = s[i];
		if (c < 0x20 || c >= 0x7f) return 0;
		if (i < length - 3 && (c == DOLLAR || c == BANG || c == STAR || c == BACKSLASH || c == 0x7e ||
				(c == '^' && (i + 2 >= length - 3 || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0))))
			return 0;
	}
	return 1;
}

/* The next unit of bytes[i..end) framed into buf from the block's (FW_LEN), the bytes
   consumed added to the tally: a sentence is counted heard, and the unit of anything but
   a reject is kept at FW_LEN (0 after a sentence). Sets *code and *n (the unit's length);
   returns where it stopped. Inlined: it is the per-sentence path (-fno-inline-functions
   would make it a call). */
static inline __attribute__((always_inline)) int frameUnit(const uint8_t* bytes, int i, int end, uint8_t* buf, int max, uint32_t* w, int quiet, int* code,
	int* n)
{
	int len = (int)w[FW_LEN];
	int j = frameLoop(bytes, i, end, buf, max, &len, code, w + FW_TALLY, quiet);
	addTally(w + FW_TALLY, 0, j - i);
	w[FW_LEN] = *code >= FRAME_MORE ? (uint32_t)len : 0;
	if (*code == 0) addTally(w + FW_COUNTS, FC_HEARD, 1);
	*n = len;
	return j;
}

/* forwardText(bytes, start, end, buf, block, out, store, seconds, flags): the gateway's
   common path in one call (src/core/bytes.ts has the contract): frameLoop on the
   block's unit length and tally, and for a valid sentence in the plain case (F_FORWARD)
   the route, the one-line datagram in out (store sized to it) and the counts, with no
   return to JS but for the socket write. Returns consumed * 1024 + group * 32 + action. */
void xs_bd450_forward_text(xsMachine* the)
{
	xsUnsignedValue size, max, blockSize, outSize;
	const uint8_t* bytes;
	uint8_t *buf, *o;
	uint32_t* w;
	int i, start, end, n, code, g = 1, p = 0, k, line, flags;
	double seconds;
	if (xsmcArgc < 9) xsRangeError("out of range");
	w = (uint32_t*)bufferArg(the, 4, &blockSize, 1);
	if (blockSize < 4 * FW_TABLE || ((uintptr_t)w & 3) || 4 * ((xsUnsignedValue)FW_TABLE + w[FW_ROUTES] + w[FW_LIMITS]) > blockSize)
		xsRangeError("out of range");
	if (w[FW_LEN] == FW_JS) {
		xsmcSetInteger(xsResult, A_JS);
		return;
	}
	bytes = bufferArg(the, 0, &size, 0);
	start = intArg(the, 1);
	end = intArg(the, 2);
	buf = bufferArg(the, 3, &max, 1);
	flags = intArg(the, 8);
	if (start < 0 || end > (int)size || w[FW_LEN] > max || max < 1) xsRangeError("out of range");
	if (end - start > FW_MAX_SPAN) end = start + FW_MAX_SPAN;
	i = start;
	n = (int)w[FW_PENDING];
	if (n > 0) {
		if ((xsUnsignedValue)n > max) xsRangeError("out of range");
		w[FW_PENDING] = 0;
	}
	else {
		i = frameUnit(bytes, start, end, buf, (int)max, w, flags & F_QUIET, &code, &n);
		if (code != 0) {
			if (code < FRAME_MORE) w[FW_N] = (uint32_t)n; /* a reject */
			xsmcSetInteger(xsResult, (i - start) * 1024 + code);
			return;
		}
		if (flags & F_UNIT) {
			w[FW_PENDING] = w[FW_N] = (uint32_t)n;
			xsmcSetInteger(xsResult, (i - start) * 1024 + A_UNIT);
			return;
		}
	}
	k = (i - start) * 1024;
	w[FW_N] = (uint32_t)n;
	if (flags & F_ASK) {
		w[FW_PENDING] = (uint32_t)n;
		xsmcSetInteger(xsResult, k + A_ASK);
		return;
	}
	if (!(flags & F_FORWARD)) {
		xsmcSetInteger(xsResult, k + A_FORWARD);
		return;
	}
	if (n >= 6 && buf[1] != 'P') {
		int d = lookup(w + FW_TABLE, (int)w[FW_ROUTES], ((uint32_t)buf[3] << 16) | ((uint32_t)buf[4] << 8) | buf[5]);
		if (d >= 0) g = d;
	}
	addTally(w + FW_COUNTS, FC_FORWARDED, 1);
	if ((w[FW_LIMITS] > 0 && tooManyFields(w + FW_TABLE + w[FW_ROUTES], (int)w[FW_LIMITS], buf, n)) || !carriable(buf, n)) {
		xsmcSetInteger(xsResult, k + g * 32 + A_FORWARD);
		return;
	}
	line = w[FW_LINE] >= 999 ? 1 : (int)w[FW_LINE] + 1;
	seconds = xsmcToNumber(xsArg(7));
	{
		/* header 6 + \s: + sfi + ,n:line [+ ,c:seconds] + *HH\ + sentence + CR LF */
		int size = 6 + 3 + 6 + 3 + decimalLength(line) + (seconds >= 0 ? 3 + decimalLength((int64_t)seconds) : 0) + 4 + n + 2;
		uint8_t sfi[6];
		if (xsmcTypeOf(xsArg(6)) != xsUndefinedType) {
			if (size > xsmcGetArrayBufferMaxLength(xsArg(6))) xsRangeError("out of range");
			xsmcSetArrayBufferLength(xsArg(6), size);
			/* the resize may have moved them */
			bytes = bufferArg(the, 0, &blockSize, 0);
			buf = bufferArg(the, 3, &max, 1);
			w = (uint32_t*)bufferArg(the, 4, &blockSize, 1);
		}
		o = bufferArg(the, 5, &outSize, 1);
		if (outSize < (xsUnsignedValue)size) xsRangeError("out of range");
		c_memcpy(sfi, (uint8_t*)w + 4 * FW_SFI, 6);
		o[p++] = 'U'; o[p++] = 'd'; o[p++] = 'P'; o[p++] = 'b'; o[p++] = 'C'; o[p++] = 0;
		p = writeTag(o, p, sfi, 6, line, seconds, 0, 0, 0, NULL, 0);
		c_memcpy(o + p, buf, n);
		p += n;
		o[p++] = 0x0d;
		o[p++] = 0x0a;
	}
	w[FW_LINE] = (uint32_t)line;
	w[FW_N] = (uint32_t)p;
	addTally(w + FW_COUNTS, FC_LINES, 1);
	addTally(w + FW_COUNTS, FC_SENTENCES, 1);
	addTally(w + FW_COUNTS, FC_ENCODED, 1);
	addTally(w + FW_COUNTS, FC_BYTES, p);
	addTally(w + FW_COUNTS, FC_DATAGRAMS, 1);
	addTally(w + FW_COUNTS, FC_PER_GROUP + g, 1);
	/* F_UNIT, quiet: frame on to the next unit (the caller writes the datagram, then gives
	   that sentence to onUnit): a call fewer per sentence, and none for the read's tail. */
	if ((flags & (F_UNIT | F_QUIET)) == (F_UNIT | F_QUIET) && i < end) {
		i = frameUnit(bytes, i, end, buf, (int)max, w, 1, &code, &n);
		k = (i - start) * 1024;
		if (code == 0) {
			w[FW_PENDING] = (uint32_t)n;
			xsmcSetInteger(xsResult, k + g * 32 + A_SENT_UNIT);
			return;
		}
	}
	xsmcSetInteger(xsResult, k + g * 32 + A_SENT);
}

/* carrierLine(out, p, sfi, line, seconds, gLine, gTotal, gCode, dest, address, src, from, to):
   one carrier line at out[p] (src/core/bytes.ts has the contract): writeTag, the carrier
   sentence address + "gTotal,gLine,gCode," + src[from..to) escaped + "*HH", CR LF.
   Returns its end. */
void xs_bd450_carrier_line(xsMachine* the)
{
	xsUnsignedValue outSize, sfiSize, destSize = 0, addressSize, size;
	uint8_t *o, x = 0;
	const uint8_t *sfi, *dest = NULL, *address, *src;
	int p, line, gLine, gTotal, gCode, from, to, n, i, start;
	double seconds;
	if (xsmcArgc < 13) xsRangeError("out of range");
	o = bufferArg(the, 0, &outSize, 1);
	p = intArg(the, 1);
	sfi = bufferArg(the, 2, &sfiSize, 0);
	line = intArg(the, 3);
	seconds = xsmcToNumber(xsArg(4));
	gLine = intArg(the, 5);
	gTotal = intArg(the, 6);
	gCode = intArg(the, 7);
	if (xsmcTypeOf(xsArg(8)) != xsUndefinedType) dest = bufferArg(the, 8, &destSize, 0);
	address = bufferArg(the, 9, &addressSize, 0);
	src = bufferArg(the, 10, &size, 0);
	from = intArg(the, 11);
	to = intArg(the, 12);
	if (p < 0 || line < 0 || gLine < 0 || gTotal < 1 || gTotal > 99 || gLine > 99 || gCode < 0 || gCode > 99 ||
		sfiSize > 64 || destSize > 64 || addressSize > 64 || from < 0 || to > (int)size)
		xsRangeError("out of range");
	n = 1 + 2 + decimalLength(gLine) + 1 + decimalLength(gTotal) + 1 + decimalLength(gCode) + 1 + 2 + (int)sfiSize + 3 +
		decimalLength(line) + (seconds >= 0 ? 3 + decimalLength((int64_t)seconds) : 0) + (dest ? 3 + (int)destSize : 0) + 4 +
		(int)addressSize + 9 + (from < to ? 3 * (to - from) : 0) + 5;
	if ((xsUnsignedValue)p + n > outSize) xsRangeError("out of range");
	p = writeTag(o, p, sfi, (int)sfiSize, line, seconds, gLine, gTotal, gCode, dest, (int)destSize);
	start = p;
	for (i = 0; i < (int)addressSize; i++) o[p++] = address[i];
	p = writeDecimal(o, p, gTotal);
	o[p++] = ',';
	p = writeDecimal(o, p, gLine);
	o[p++] = ',';
	p = writeDecimal(o, p, gCode);
	o[p++] = ',';
	p = escapeInto(o, p, src, from, to);
	for (i = start + 1; i < p; i++) x ^= o[i];
	o[p++] = STAR;
	o[p++] = hexDigits[x >> 4];
	o[p++] = hexDigits[x & 15];
	o[p++] = 0x0d;
	o[p++] = 0x0a;
	xsmcSetInteger(xsResult, p);
}
