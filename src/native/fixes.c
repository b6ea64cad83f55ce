/*
 * bd450 native sentence path (xsmc): the Beidou wiring's hot kinds decoded state-only
 * and applied to the device state in one call per sentence (src/beidou/wiring.ts,
 * binding src/native/fixes.js). The reference is the JS path it stands in for
 * (SentenceDecoder.applyTo: the kind's decode, state-only, and its apply): this writes
 * the same numbers into DeviceState.cells and the same counter into the decoder's
 * tallies, or, for anything it does not take (an unknown kind, a field error, an event
 * edge, a GSV group the sky view takes), writes nothing and returns 1: the caller then
 * takes the JS path. hosttest/xs/xs-fixes.test.ts compares the two over the corpus.
 *
 * Field numbers come from bd450-parse.h, the code of fieldIndex's number tables, but
 * only for the fields a kind reads (fieldIndex parses every field five ways).
 */
#include "xsmc.h"
#include "xsHost.h"
#include "bd450-parse.h"

#define MAXF 64

/* DeviceState.cells (src/beidou/state.ts C_* and B_*): change both together. */
#define C_UNITS 0
#define C_NATIVE_UNITS 1
#define C_NOTABLE 2
#define C_NO_FIX_REPORTED 3
#define C_FIX_TIME 4
#define C_FIX_YEAR 5
#define C_FIX_MONTH 6
#define C_FIX_DAY 7
#define C_LATITUDE 8
#define C_LONGITUDE 9
#define C_QUALITY 10
#define C_HDOP 11
#define C_ALTITUDE 12
#define C_SPEED 13
#define C_COURSE 14
#define C_SATS_TOTAL 15
#define C_FIX_AT 16
#define C_LAST_VALID_FIX_AT 17
#define C_ANTENNA_BAD 18
#define B_SATS_USED (8 * 19)
#define B_SATS_IN_VIEW (B_SATS_USED + 14)
#define B_SKY 184

/* The sky view in the cells (src/beidou/sky.ts S_*, from B_SKY): doubles filling, at[0..6],
   fillCount; then signal, count, the 16-bit and 8-bit lists. */
#define SYSTEMS 7
#define PER 32
#define C_SKY_FILLING (B_SKY / 8)
#define C_SKY_AT (C_SKY_FILLING + 1)
#define C_SKY_FILL_COUNT (C_SKY_FILLING + 8)
#define S_SIGNAL 72
#define S_COUNT 80
#define S_ID 96
#define S_AZIMUTH (S_ID + 2 * SYSTEMS * PER)
#define S_FILL_ID (S_AZIMUTH + 2 * SYSTEMS * PER)
#define S_FILL_AZIMUTH (S_FILL_ID + 2 * PER)
#define S_ELEVATION (S_FILL_AZIMUTH + 2 * PER)
#define S_SNR (S_ELEVATION + SYSTEMS * PER)
#define S_FILL_ELEVATION (S_SNR + SYSTEMS * PER)
#define S_FILL_SNR (S_FILL_ELEVATION + PER)
#define CELL_BYTES (B_SKY + S_FILL_SNR + PER)
#define NONE (-128)


/* NATIVE_KINDS (src/beidou/decoder.ts), in its order. */
enum { K_GGA, K_RMC, K_GLL, K_VTG, K_ZDA, K_GSA, K_GSV, K_GST, K_GBS, K_GNS, K_TXT, K_COUNT };
static const char kindNames[K_COUNT][3] = { "GGA", "RMC", "GLL", "VTG", "ZDA", "GSA", "GSV", "GST", "GBS", "GNS", "TXT" };

/* SkyView (src/beidou/sky.ts): SKY_EVERY_MS; GSV (gsv.ts): GSV_MAX_SATS. */
#define SKY_EVERY_MS 4000
#define GSV_MAX_SATS 8

#define JS_PATH 1

typedef struct {
	const uint8_t* b;
	int count;
	uint16_t s[MAXF + 1], e[MAXF + 1];
} Fields;

/* DeviceState.position() without its event edge (the caller has left that case to JS). */
static void putPosition(uint8_t* cells, double lat, double lon, double at)
{
	putDouble(cells, C_LATITUDE, lat);
	putDouble(cells, C_LONGITUDE, lon);
	putDouble(cells, C_FIX_AT, at);
	putDouble(cells, C_LAST_VALID_FIX_AT, at);
}

/* Fields.chars: the byte of a one-byte field, 0 empty or absent, -1 longer. */
static int chr(const Fields* f, int i)
{
	int n;
	if (i > f->count) return 0;
	n = f->e[i] - f->s[i];
	return n == 0 ? 0 : n == 1 ? f->b[f->s[i]] : -1;
}

static int len(const Fields* f, int i)
{
	return i > f->count ? 0 : f->e[i] - f->s[i];
}

/* Fields.nums */
static double num(const Fields* f, int i)
{
	return i > f->count ? C_NAN : parseDecimal(f->b, f->s[i], f->e[i]);
}

/* Fields.ints: the decimal when the field has no '.' (fieldIndex). */
static double integer(const Fields* f, int i)
{
	int j;
	if (i > f->count) return C_NAN;
	for (j = f->s[i]; j < f->e[i]; j++)
		if (f->b[j] == '.') return C_NAN;
	return parseDecimal(f->b, f->s[i], f->e[i]);
}

/* Fields.times: hhmm digits first (fieldIndex's test), then parseTime. */
static double timeOfDay(const Fields* f, int i)
{
	int a;
	if (i > f->count) return C_NAN;
	a = f->s[i];
	if (f->e[i] - a < 6 || f->b[a] > '2' || f->b[a] < '0') return C_NAN;
	return parseTime(f->b, a, f->e[i]);
}

/* Fields.lats / lons: field i with the hemisphere letter of field i + 1. */
static double coord(const Fields* f, int i, int isLon)
{
	int h;
	double deg;
	if (i >= f->count || f->e[i + 1] - f->s[i + 1] != 1) return C_NAN;
	h = f->b[f->s[i + 1]];
	if (isLon ? (h != 'E' && h != 'W') : (h != 'N' && h != 'S')) return C_NAN;
	deg = parseCoord(f->b, f->s[i], f->e[i]);
	if (!(deg <= (isLon ? 180 : 90))) return C_NAN;
	return h == 'S' || h == 'W' ? -deg : deg;
}

/* locatedError (kind.ts) is null: time field t and position fields p, p + 2 each valid or empty. */
static int located(const Fields* f, double time, int t, double lat, double lon, int p)
{
	if (time != time && chr(f, t) != 0) return 0;
	if ((lat != lat && chr(f, p) != 0) || (lon != lon && chr(f, p + 2) != 0)) return 0;
	return 1;
}

/* talkerSystem (kind.ts) */
static int talkerSystem(int talker)
{
	switch (talker) {
	case 0x4750: return 1;
	case 0x474c: return 2;
	case 0x4741: return 3;
	case 0x4244:
	case 0x4742: return 4;
	case 0x475a:
	case 0x515a: return 5;
	case 0x4749:
	case 0x494d: return 6;
	default: return 0;
	}
}

/* Math.round for |v| < 2^15 (bytes.c's roundHalfUp, wholes). */
static int roundHalfUp(double v)
{
	int r = (int)v;
	if ((double)r > v) r--;
	if (v - r >= 0.5) r++;
	return r;
}

static int whole(double v, int lo, int hi)
{
	return v >= lo && v <= hi ? roundHalfUp(v) : NONE;
}

/* SkyView.more (sky.ts): the group's satellites (IDs at field positions at[0..n)) appended
   to the group being filled; the last sentence of the group moves it to its system's list. */
static void skyMore(uint8_t* cells, const Fields* f, const uint8_t* at, int n, int last, double now)
{
	uint8_t* sky = cells + B_SKY;
	int sys = (int)getDouble(cells, C_SKY_FILLING), k = (int)getDouble(cells, C_SKY_FILL_COUNT), c, j;
	int16_t *fillId = (int16_t*)(sky + S_FILL_ID), *fillAzimuth = (int16_t*)(sky + S_FILL_AZIMUTH);
	int8_t *fillElevation = (int8_t*)(sky + S_FILL_ELEVATION), *fillSnr = (int8_t*)(sky + S_FILL_SNR);
	c = n < PER - k ? n : PER - k;
	for (j = 0; j < c; j++) {
		int i = at[j];
		fillId[k + j] = (int16_t)whole(integer(f, i), 1, 999);
		fillElevation[k + j] = (int8_t)whole(num(f, i + 1), -90, 90);
		fillAzimuth[k + j] = (int16_t)whole(num(f, i + 2), 0, 360);
		fillSnr[k + j] = (int8_t)whole(num(f, i + 3), 0, 127);
	}
	k += c;
	putDouble(cells, C_SKY_FILL_COUNT, k);
	if (!last) return;
	{
		int base = sys * PER;
		int16_t *id = (int16_t*)(sky + S_ID), *azimuth = (int16_t*)(sky + S_AZIMUTH);
		int8_t *elevation = (int8_t*)(sky + S_ELEVATION), *snr = (int8_t*)(sky + S_SNR);
		for (j = 0; j < k; j++) {
			id[base + j] = fillId[j];
			elevation[base + j] = fillElevation[j];
			azimuth[base + j] = fillAzimuth[j];
			snr[base + j] = fillSnr[j];
		}
		((int16_t*)(sky + S_COUNT))[sys] = (int16_t)k;
		putDouble(cells, C_SKY_AT + sys, now);
		putDouble(cells, C_SKY_FILLING, -1);
	}
}

/* satSystem (kind.ts) under an unknown talker system */
static int satSystem(int talkerSys, int id, int pq)
{
	if (talkerSys != 0) return talkerSys;
	if (id >= 401 && id <= 437) return 4;
	if (id >= 201 && id <= 264) return 4;
	if (pq) return id >= 193 && id <= 200 ? 5 : 4;
	if (id >= 1 && id <= 32) return 1;
	if (id >= 65 && id <= 96) return 2;
	if (id >= 193 && id <= 200) return 5;
	if (id >= 301 && id <= 336) return 3;
	return 0;
}

/* isLaterGsv (gsv.ts) */
static int laterGsv(const uint8_t* b, int length)
{
	int c, e;
	if (length < 10 || b[0] != '$' || b[6] != ',' || b[8] != ',') return 0;
	if (b[3] != 'G' || b[4] != 'S' || b[5] != 'V') return 0;
	c = b[9];
	if (c < '2' || c > '9') return 0;
	e = length > 10 ? b[10] : ',';
	return e == ',' || e == '*';
}

/* fieldIds (bytes.c) without output: fields from, from + step, ... below to, each an
   integer 1..999 or empty; the count of valid ones, or -1 at the first that is neither. */
static int countIds(const Fields* f, int from, int to, int step, double* first, uint8_t* at)
{
	int i, n = 0;
	for (i = from; i < to; i += step) {
		double id = integer(f, i);
		if (id >= 1 && id <= 999) {
			if (n == 0) *first = id;
			at[n] = (uint8_t)i;
			n++;
		}
		else if (id == id || chr(f, i) != 0)
			return -1;
	}
	return n;
}

static int hexDigit(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* txtContains (txt.ts): `word` (upper case) in bytes[a..e), letters compared in upper case. */
static int contains(const uint8_t* b, int a, int e, const char* word, int L)
{
	int k, j;
	for (k = a; k + L <= e; k++) {
		for (j = 0; j < L; j++) {
			int c = b[k + j];
			if (c >= 'a' && c <= 'z') c -= 0x20;
			if (c != word[j]) break;
		}
		if (j == L) return 1;
	}
	return 0;
}

/* The time in ms: the argument itself when it is a number (the gateway's read time), else
   the clock's now() (its name's ID looked up once: one machine per process, the board's or
   a test host's). */
static xsIdentifier nowID = -1;

static double now(xsMachine* the)
{
	int type = xsmcTypeOf(xsArg(3));
	if (type == xsNumberType || type == xsIntegerType) return xsmcToNumber(xsArg(3));
	if (nowID == (xsIdentifier)-1) nowID = xsID("now");
	xsResult = xsCall0(xsArg(3), nowID);
	return xsmcToNumber(xsResult);
}

/* fixApply(bytes, length, cells, clock): 0 when the sentence was counted (and, for a hot
   kind, decoded and applied) here, 1 when the caller's JS path must take it (nothing written
   then). cells: DeviceState.cellBytes, whose bytes from CELL_BYTES on are the decoder's
   counters (SentenceDecoder tallies; their last K_COUNT doubles say where each kind's
   counters are: -1 no decoder, -2 not tallied); clock: the time in ms, or an object whose
   now() gives it, called only when a value needs it. A unit counted here has no time: the state stamps
   lastUnitAt at its next look (DeviceState.syncRejects, once a second), as it does for
   the framer's rejects. */
void xs_bd450_fix_apply(xsMachine* the)
{
	xsUnsignedValue size, cellsSize, talliesSize;
	void* data;
	const uint8_t* b;
	uint8_t *cells, *tallies;
	int length, bodyEnd, i, n, c0, c1, k, nk, talker, tally;
	Fields f;

	xsmcGetBufferReadable(xsArg(0), &data, &size);
	b = (const uint8_t*)data;
	length = xsmcToInteger(xsArg(1));
	xsmcGetBufferWritable(xsArg(2), &data, &cellsSize);
	cells = (uint8_t*)data;
	if (length < 0 || length > (int)size || cellsSize < CELL_BYTES + 8 * K_COUNT || ((cellsSize - CELL_BYTES) & 7) ||
		((uintptr_t)cells & 1))
		xsRangeError("out of range");
	tallies = cells + CELL_BYTES;
	talliesSize = cellsSize - CELL_BYTES;
	xsmcSetInteger(xsResult, JS_PATH);
	/* The first unit or one after a silence: resume() has an event (JS). Short ones: JS
	   (the wiring's tests read bytes past a short sentence's end). */
	if (getDouble(cells, C_NOTABLE) != 0 || length < 11) return;
	c0 = b[1];
	c1 = b[2];
	/* Only counted (wiring.ts): proprietary, a later GSV while the sky view copies nothing. */
	if ((c0 == 'P' && c1 != 'Q') || (b[5] == 'V' && getDouble(cells, C_SKY_FILLING) < 0 && laterGsv(b, length)))
		goto counted;
	nk = (int)(talliesSize / 8) - K_COUNT;
	/* No comma at 6 (and no `P` talker): the address is not talker + 3 letters, a sentence
	   SentenceDecoder.decode counts under "unknown" (TALLY_UNKNOWN, decoder.ts). */
	if (b[6] != ',' && c0 != 'P') {
		if (nk < 4) xsRangeError("out of range");
		putDouble(tallies, 2, getDouble(tallies, 2) + 1);
		goto counted;
	}
	/* SentenceDecoder.applyTo's address: `$`, talker, formatter, comma at 6. */
	if (b[6] != ',' || b[0] != '$') return;
	if (!(c0 >= 'A' && c0 <= 'Z') || !((c1 >= 'A' && c1 <= 'Z') || (c1 >= '0' && c1 <= '9'))) return;
	if (c0 == 'P' && (c1 != 'Q' || b[3] != 'G' || b[4] != 'S' || (b[5] != 'V' && b[5] != 'A'))) return;
	for (k = 0; k < K_COUNT; k++)
		if (b[3] == kindNames[k][0] && b[4] == kindNames[k][1] && b[5] == kindNames[k][2]) break;
	if (k == K_COUNT) return;
	{
		double t = getDouble(tallies, nk + k);
		if (t == -1) return; /* no decoder in this table */
		if (t == -2) goto counted; /* a decoder with no apply: named, not read, not tallied */
		tally = (int)t;
		if (tally < 0 || tally + 1 >= nk) xsRangeError("out of range");
	}
	talker = (c0 << 8) | c1;
	/* The field index (fieldIndex's): more than MAXF fields go to JS. */
	bodyEnd = length >= 3 && b[length - 3] == '*' ? length - 3 : length;
	f.b = b;
	n = 0;
	f.s[0] = 1;
	for (i = 1; i < bodyEnd; i++) {
		if (b[i] != ',') continue;
		if (n >= MAXF) return;
		f.e[n] = (uint16_t)i;
		n++;
		f.s[n] = (uint16_t)(i + 1);
	}
	f.e[n] = (uint16_t)bodyEnd;
	f.count = n;

	switch (k) {
	case K_GGA: {
		double time, lat, lon, quality, sats, hdop, alt, at;
		if (n < 9) return;
		time = timeOfDay(&f, 1);
		lat = coord(&f, 2, 0);
		lon = coord(&f, 4, 1);
		quality = integer(&f, 6);
		sats = integer(&f, 7);
		hdop = num(&f, 8);
		alt = num(&f, 9);
		if (!located(&f, time, 1, lat, lon, 2)) return;
		if (chr(&f, 6) != 0 && !(quality >= 0 && quality <= 9)) return;
		/* position() after a "no fix" event raises one (JS) */
		if (quality > 0 && lat == lat && getDouble(cells, C_NO_FIX_REPORTED) != 0) return;
		at = now(the);
		putDouble(cells, C_FIX_TIME, time);
		putDouble(cells, C_QUALITY, quality);
		putDouble(cells, C_HDOP, hdop);
		putDouble(cells, C_ALTITUDE, alt);
		putDouble(cells, C_SATS_TOTAL, sats);
		if (quality > 0 && lat == lat) {
			putDouble(cells, C_LATITUDE, lat);
			putDouble(cells, C_LONGITUDE, lon);
			putDouble(cells, C_LAST_VALID_FIX_AT, at);
		}
		putDouble(cells, C_FIX_AT, at);
		break;
	}
	case K_RMC: {
		double time, lat, lon, sog, cog, d, at = 0;
		int status, day = 0, month = 0, year = 0, dated = 0, a, fix;
		if (n < 9) return;
		time = timeOfDay(&f, 1);
		status = chr(&f, 2);
		lat = coord(&f, 3, 0);
		lon = coord(&f, 5, 1);
		sog = num(&f, 7);
		cog = num(&f, 8);
		d = integer(&f, 9);
		a = f.s[9];
		if (d == d && f.e[9] - a == 6 && (b[a] & 0xf0) == 0x30) {
			int v = (int)d;
			day = v / 10000;
			month = (v / 100) % 100;
			year = 2000 + v % 100;
			if (day < 1 || day > 31 || month < 1 || month > 12) return;
			dated = 1;
		}
		else if (chr(&f, 9) != 0)
			return;
		if (status != 'A' && status != 'V') return;
		if (!located(&f, time, 1, lat, lon, 3)) return;
		fix = status == 'A' && lat == lat;
		if (fix) {
			if (getDouble(cells, C_NO_FIX_REPORTED) != 0) return;
			at = now(the);
		}
		putDouble(cells, C_FIX_TIME, time);
		if (dated) {
			putDouble(cells, C_FIX_YEAR, year);
			putDouble(cells, C_FIX_MONTH, month);
			putDouble(cells, C_FIX_DAY, day);
		}
		if (fix) {
			putPosition(cells, lat, lon, at);
			putDouble(cells, C_SPEED, sog);
			putDouble(cells, C_COURSE, cog);
		}
		break;
	}
	case K_GLL: {
		double lat, lon, time;
		if (n < 6) return;
		lat = coord(&f, 1, 0);
		lon = coord(&f, 3, 1);
		time = timeOfDay(&f, 5);
		if (!located(&f, time, 5, lat, lon, 1)) return;
		if (chr(&f, 6) == 'A' && lat == lat) {
			if (getDouble(cells, C_NO_FIX_REPORTED) != 0) return;
			putPosition(cells, lat, lon, now(the));
		}
		break;
	}
	case K_GNS: {
		double time, lat, lon;
		int ml;
		if (n < 12) return;
		time = timeOfDay(&f, 1);
		lat = coord(&f, 2, 0);
		lon = coord(&f, 4, 1);
		ml = len(&f, 6);
		if (ml > 8) return;
		if (!located(&f, time, 1, lat, lon, 2)) return;
		if (lat == lat && ml > 0 && b[f.s[6]] != 'N') {
			if (getDouble(cells, C_NO_FIX_REPORTED) != 0) return;
			putPosition(cells, lat, lon, now(the));
		}
		break;
	}
	case K_TXT: {
		/* The antenna's state: an edge raises an event (JS); otherwise nothing changes. */
		int bad = getDouble(cells, C_ANTENNA_BAD) != 0;
		double total, number;
		if (n < 4) return;
		total = integer(&f, 1);
		number = integer(&f, 2);
		if (total != total || number != number) return;
		if (contains(b, f.s[4], bodyEnd, "ANTENNA OPEN", 12) || contains(b, f.s[4], bodyEnd, "ANTENNA SHORT", 13)) {
			if (!bad) return;
		}
		else if (bad && contains(b, f.s[4], bodyEnd, "ANTENNA OK", 10))
			return;
		break;
	}
	case K_VTG: {
		double course, speed;
		if (n < 8 && chr(&f, 2) != 'T') {
			/* the old form without unit letters */
			if (n < 4) return;
			course = num(&f, 1);
			speed = num(&f, 3);
		}
		else {
			if (n < 8) return;
			course = num(&f, 1);
			speed = num(&f, 5);
			if (speed != speed && chr(&f, 5) != 0) return;
		}
		if (speed == speed) putDouble(cells, C_SPEED, speed);
		if (course == course) putDouble(cells, C_COURSE, course);
		break;
	}
	case K_ZDA: {
		double time, day, month, year, zone;
		/* the RDSS form (table.ts select: isRdssZda) is the JS path's */
		if (len(&f, 1) == 1 || n < 4) return;
		time = timeOfDay(&f, 1);
		day = integer(&f, 2);
		month = integer(&f, 3);
		year = integer(&f, 4);
		zone = integer(&f, 5);
		if (time != time && chr(&f, 1) != 0) return;
		if (chr(&f, 2) != 0 && !(day >= 1 && day <= 31)) return;
		if (chr(&f, 3) != 0 && !(month >= 1 && month <= 12)) return;
		if (chr(&f, 4) != 0 && len(&f, 4) != 4) return;
		if (chr(&f, 5) != 0 && !(zone >= -13 && zone <= 13)) return;
		putDouble(cells, C_FIX_TIME, time);
		putDouble(cells, C_FIX_YEAR, year);
		putDouble(cells, C_FIX_MONTH, month);
		putDouble(cells, C_FIX_DAY, day);
		break;
	}
	case K_GSA: {
		int last, end, dop, count, sys, sid = -1, j;
		int16_t ids[32];
		double fixMode;
		if (n < 5) return;
		fixMode = integer(&f, 2);
		end = n;
		/* The system ID: a short integer after 12+ slots and 3 DOPs; one digit here (a hex
		   letter or two characters: JS). */
		last = chr(&f, end);
		if (end >= 18 && last != 0) {
			if (last > 0 && last != '.') {
				if (last < '0' || last > '9') return;
				sid = last - '0';
				end--;
			}
			else if (last < 0 && len(&f, end) <= 2) {
				for (j = f.s[end]; j < f.e[end]; j++) if (b[j] == '.') break;
				if (j == f.e[end]) return;
			}
		}
		dop = end - 2;
		if (end - 6 >= 12) {
			/* hasDot(end - 3) && hasDot(end): 4 decimal fields after 12+ slots (SiRF) */
			int d1 = 0, d2 = 0;
			for (j = f.s[end - 3]; j < f.e[end - 3]; j++) if (b[j] == '.') { d1 = 1; break; }
			for (j = f.s[end]; j < f.e[end]; j++) if (b[j] == '.') { d2 = 1; break; }
			if (d1 && d2) dop = end - 3;
		}
		/* fieldIds(3..dop, lo 1, cap GSA_MAX_SLOTS) */
		count = 0;
		for (j = 3; j < dop; j++) {
			double id = integer(&f, j);
			if (id >= 1 && id <= 999) {
				if (count < 32) ids[count++] = (int16_t)id;
			}
			else if (id == id || chr(&f, j) != 0)
				return;
		}
		if (fixMode == fixMode && !(fixMode >= 1 && fixMode <= 3)) return;
		/* GSA's apply */
		sys = sid >= 0 ? sid : talkerSystem(talker);
		if (sys == 0 && talker == 0x5051) sys = 4; /* PQGSA */
		if (sys > 0 && sys < 7)
			((int16_t*)(cells + B_SATS_USED))[sys] = (int16_t)count;
		else if (count > 0) {
			/* without a system ID: each satellite by its number */
			int16_t* used = (int16_t*)(cells + B_SATS_USED);
			for (j = 0; j < 7; j++) used[j] = 0;
			for (j = 0; j < count; j++) used[satSystem(0, ids[j], 0)]++;
		}
		break;
	}
	case K_GSV: {
		int rest, groups, extra, sig, signal, sys, want, count, filling;
		double total, number, inView, systemId = C_NAN, first = 0, at;
		uint8_t slots[GSV_MAX_SATS];
		if (n < 3) return;
		total = integer(&f, 1);
		number = integer(&f, 2);
		inView = integer(&f, 3);
		rest = n - 3;
		groups = rest >> 2;
		extra = rest & 3;
		if (extra == 3) return;
		sig = n - extra + 1;
		signal = -1; /* NaN */
		if (extra >= 1) {
			int c = chr(&f, sig);
			if (c > 0 && hexDigit(c) >= 0) signal = hexDigit(c);
			else if (c != 0) return; /* two hex digits or malformed: JS */
		}
		if (extra == 2) {
			int c = chr(&f, n), v = c > 0 ? hexDigit(c) : -1;
			if (v < 1) return;
			systemId = v;
		}
		if (groups > GSV_MAX_SATS) return;
		if (!(total >= 1 && total <= 9) || !(number >= 1 && number <= total)) return;
		if (!(inView >= 0)) return;
		count = countIds(&f, 4, 4 + 4 * groups, 4, &first, slots);
		if (count < 0) return;
		filling = (int)getDouble(cells, C_SKY_FILLING);
		if (number != 1) {
			/* the rest of a group: copied while the sky view takes this group */
			if (filling >= 0) skyMore(cells, &f, slots, count, number == total, number == total ? now(the) : 0);
			break;
		}
		sys = systemId == systemId && systemId < 7 ? (int)systemId : talkerSystem(talker);
		if (sys == 0) sys = count > 0 ? satSystem(0, (int)first, talker == 0x5051) : talker == 0x5051 ? 4 : 0;
		if (inView > 32767) return;
		((int16_t*)(cells + B_SATS_IN_VIEW))[sys] = (int16_t)(int)inView;
		/* SkyView.begin: a system's list at most every SKY_EVERY_MS, of one signal */
		want = ((const int8_t*)(cells + B_SKY + S_SIGNAL))[sys];
		if (signal < 0) signal = 0;
		at = now(the);
		if ((want >= 0 && signal != want) || at - getDouble(cells, C_SKY_AT + sys) < SKY_EVERY_MS) {
			putDouble(cells, C_SKY_FILLING, -1);
			break;
		}
		((int8_t*)(cells + B_SKY + S_SIGNAL))[sys] = (int8_t)signal;
		putDouble(cells, C_SKY_FILLING, sys);
		putDouble(cells, C_SKY_FILL_COUNT, 0);
		skyMore(cells, &f, slots, count, number == total, at);
		break;
	}
	default:
		return;
	}
	putDouble(tallies, tally, getDouble(tallies, tally) + 1);
counted:
	putDouble(cells, C_UNITS, getDouble(cells, C_UNITS) + 1);
	putDouble(cells, C_NATIVE_UNITS, getDouble(cells, C_NATIVE_UNITS) + 1);
	xsmcSetInteger(xsResult, 0);
}
