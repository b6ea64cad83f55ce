/*
 * bd450 terminal UART with a receive ring, ESP32 (ESP-IDF v6.0): the XS binding.
 * JS side and contract: serial-ring.js. The logic (driver, ring task, transmit ring, close) is in
 * serial-ring-core.c, which hosttest/native-esp32 runs on the host against a fake of the IDF.
 *
 * Why: Moddable's ECMA-419 serial reads straight from the 128-byte hardware FIFO (about 11 ms of
 * data at 115200 baud), so any longer JS stall loses bytes. Here the driver's interrupt fills a
 * ring of ringBytes and onReadable(count) follows; write() never waits (onWritable(room) follows
 * when the transmit ring has room again); `overflow` counts receive FIFO overflows.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "builtinCommon.h"

#include "serial-ring-core.h"

typedef struct {
	RingCore core;                     /* first: ringNotify gets the record from it */
	xsMachine* the;
	xsSlot obj;
	int receive;                       /* pins claimed, or -1 */
	int transmit;
} RingSerialRecord, *RingSerial;

static void ringDeliver(void* the, void* refcon, uint8_t* message, uint16_t messageLength);

static int ringNotify(RingCore* core)
{
	RingSerial s = (RingSerial)core;
	return modMessagePostToMachine(s->the, NULL, 0, ringDeliver, s);
}

static void ringDeliver(void* the, void* refcon, uint8_t* message, uint16_t messageLength)
{
	RingSerial s = refcon;
	size_t readable = 0;
	uint32_t writable = 0;
	int what = ringTake(&s->core, &readable, &writable);
	if (what & RING_TAKE_FREE) {
		c_free(s);
		return;
	}
	if (!what) return;
	xsBeginHost(the);
	xsmcVars(1);
	if (what & RING_TAKE_READABLE) {
		xsmcSetInteger(xsVar(0), (xsIntegerValue)readable);
		xsCall1(s->obj, xsID_onReadable, xsVar(0));
	}
	if ((what & RING_TAKE_WRITABLE) && s->core.open) {  /* onReadable may have closed it */
		xsmcSetInteger(xsVar(0), (xsIntegerValue)writable);
		xsCall1(s->obj, xsID_onWritable, xsVar(0));
	}
	xsEndHost(the);
}

static void freePins(RingSerial s)
{
	if (s->receive >= 0) builtinFreePin(s->receive);
	if (s->transmit >= 0) builtinFreePin(s->transmit);
	s->receive = s->transmit = -1;
}

/* Closes the port; frees the record unless posted messages still refer to it (the last one frees it). */
static void ringRelease(RingSerial s)
{
	int freeNow = ringClose(&s->core);
	freePins(s);
	if (freeNow) c_free(s);
}

void xs_bd450_ring_destructor(void* data)
{
	if (data) ringRelease(data);
}

void xs_bd450_ring_constructor(xsMachine* the)
{
	RingSerial s;
	RingOptions o = {0};
	const char* failed;
	o.receive = o.transmit = UART_PIN_NO_CHANGE;
	xsmcVars(1);
	if (xsmcHas(xsArg(0), xsID_port)) { xsmcGet(xsVar(0), xsArg(0), xsID_port); o.port = xsmcToInteger(xsVar(0)); }
	if (xsmcHas(xsArg(0), xsID_receive)) { xsmcGet(xsVar(0), xsArg(0), xsID_receive); o.receive = xsmcToInteger(xsVar(0)); }
	if (xsmcHas(xsArg(0), xsID_transmit)) { xsmcGet(xsVar(0), xsArg(0), xsID_transmit); o.transmit = xsmcToInteger(xsVar(0)); }
	if (o.receive == UART_PIN_NO_CHANGE && o.transmit == UART_PIN_NO_CHANGE) xsUnknownError("invalid");
	if ((o.receive != UART_PIN_NO_CHANGE && (o.receive < 0 || !builtinIsPinFree(o.receive))) ||
			(o.transmit != UART_PIN_NO_CHANGE && (o.transmit < 0 || !builtinIsPinFree(o.transmit))) || o.receive == o.transmit)
		xsUnknownError("in use");
	xsmcGet(xsVar(0), xsArg(0), xsID_baud);
	o.baud = xsmcToInteger(xsVar(0));
	if (xsmcHas(xsArg(0), xsID_ringBytes)) { xsmcGet(xsVar(0), xsArg(0), xsID_ringBytes); o.ringBytes = xsmcToInteger(xsVar(0)); }
	if (xsmcHas(xsArg(0), xsID_format)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_format);
		if (c_strcmp(xsmcToString(xsVar(0)), "buffer")) xsRangeError("invalid format");
	}
	if (xsmcHas(xsArg(0), xsID_onReadable)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_onReadable);
		o.hasReadable = xsmcTest(xsVar(0));
	}
	if (xsmcHas(xsArg(0), xsID_onWritable)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_onWritable);
		o.hasWritable = xsmcTest(xsVar(0));
	}

	s = c_calloc(1, sizeof(RingSerialRecord));
	if (!s) xsRangeError("no memory");
	s->the = the;
	s->obj = xsThis;
	s->receive = s->transmit = -1;
	/* The callbacks live on the instance: ringDeliver calls them as methods (this = the serial). */
	if (o.hasReadable) { xsmcGet(xsVar(0), xsArg(0), xsID_onReadable); xsmcSet(xsThis, xsID_onReadable, xsVar(0)); }
	if (o.hasWritable) { xsmcGet(xsVar(0), xsArg(0), xsID_onWritable); xsmcSet(xsThis, xsID_onWritable, xsVar(0)); }

	failed = ringOpen(&s->core, &o, ringNotify);
	if (failed) {
		c_free(s);
		if (failed[0] == 'i') xsRangeError("%s", failed);  /* invalid port / baud / ringBytes */
		xsUnknownError("%s", failed);
	}
	if (o.receive != UART_PIN_NO_CHANGE) { builtinUsePin(o.receive); s->receive = o.receive; }
	if (o.transmit != UART_PIN_NO_CHANGE) { builtinUsePin(o.transmit); s->transmit = o.transmit; }
	xsmcSetHostData(xsThis, s);
	xsRemember(s->obj);  /* alive while open: messages refer to it */
}

static RingSerial ringOf(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	if (!s || !s->core.open) xsUnknownError("closed");
	return s;
}

void xs_bd450_ring_close(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	if (!s) return;
	xsmcSetHostData(xsThis, NULL);  /* the destructor then has nothing to free */
	xsForget(s->obj);
	ringRelease(s);
}

/* read(buffer): bytes read into buffer (undefined when none). */
void xs_bd450_ring_read(xsMachine* the)
{
	RingSerial s = ringOf(the);
	void* data;
	xsUnsignedValue size;
	int n;
	xsmcGetBufferWritable(xsArg(0), &data, &size);
	n = ringRead(&s->core, data, size);
	if (n > 0) xsmcSetInteger(xsResult, n);
}

/* write(buffer): all bytes into the transmit ring, or "output full" (onWritable follows). */
void xs_bd450_ring_write(xsMachine* the)
{
	RingSerial s = ringOf(the);
	void* data;
	xsUnsignedValue size;
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	if (!ringWrite(&s->core, data, size)) xsUnknownError("output full");
}

void xs_bd450_ring_overflow(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	xsmcSetInteger(xsResult, s ? (xsIntegerValue)__atomic_load_n(&s->core.overflow, __ATOMIC_SEQ_CST) : 0);
}
