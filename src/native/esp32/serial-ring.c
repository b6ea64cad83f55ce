/*
 * bd450 terminal UART with a receive ring, ESP32 (ESP-IDF v6 UART driver).
 * JS side and contract: serial-ring.js. NOT COMPILED HERE (no ESP-IDF on the
 * development machine): built only by mcconfig for the esp32 targets; review
 * against the IDF UART driver API before the first board build.
 *
 * Why: Moddable's ECMA-419 serial reads straight from the 128-byte hardware FIFO
 * (about 11 ms of data at 115200 baud), so any longer JS stall loses bytes. Here
 * the IDF driver's interrupt empties the FIFO into its own ring buffer of
 * ringBytes; a small FreeRTOS task waits on the driver's event queue and posts
 * one message at a time to the XS machine, which calls onReadable(count).
 * Overflows (hardware FIFO or ring full) are counted and exposed as `overflow`.
 * TX: the driver's TX ring (TX_RING bytes); write() throws "output full" when the
 * data does not fit, and onWritable(free) follows each write and, while a writer
 * waits, each TX drain the task sees.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "builtinCommon.h"

#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define TX_RING 512
#define DEFAULT_RING 8192
#define EVENT_QUEUE 16

typedef struct {
	xsMachine* the;
	xsSlot obj;
	QueueHandle_t queue;
	TaskHandle_t task;
	uint32_t overflow;
	uint8_t uart;
	uint8_t open;
	uint8_t hasReadable;               /* the options gave onReadable / onWritable */
	uint8_t hasWritable;
	volatile uint8_t readablePending;  /* a deliver message is queued */
	volatile uint8_t writablePending;
	volatile uint8_t wantWritable;     /* a writer waits for TX room */
	volatile uint8_t orphan;           /* destructed while messages were queued: the last one frees */
	uint32_t queued;                   /* messages posted, not yet delivered (atomic) */
	int32_t lastFree;
} RingSerialRecord, *RingSerial;

static void ringDeliver(void* the, void* refcon, uint8_t* message, uint16_t messageLength);

static void post(RingSerial s, volatile uint8_t* pending)
{
	if (*pending) return;
	*pending = 1;
	__atomic_fetch_add(&s->queued, 1, __ATOMIC_SEQ_CST);
	if (modMessagePostToMachine(s->the, NULL, 0, ringDeliver, s)) {
		__atomic_fetch_sub(&s->queued, 1, __ATOMIC_SEQ_CST);
		*pending = 0;
	}
}

static void ringTask(void* arg)
{
	RingSerial s = arg;
	uart_event_t event;
	for (;;) {
		/* While a writer waits, look at the TX ring every 5 ms. */
		if (xQueueReceive(s->queue, &event, s->wantWritable ? pdMS_TO_TICKS(5) : portMAX_DELAY)) {
			if (event.type == UART_DATA) {
				if (s->hasReadable) post(s, &s->readablePending);
			}
			else if (event.type == UART_FIFO_OVF || event.type == UART_BUFFER_FULL) {
				s->overflow++;  /* read by JS; a 32-bit store is atomic on the LX6 */
				if (s->hasReadable) post(s, &s->readablePending);
			}
		}
		if (s->wantWritable && s->hasWritable) {
			size_t free = 0;
			uart_get_tx_buffer_free_size(s->uart, &free);
			if ((int32_t)free > s->lastFree)
				post(s, &s->writablePending);
		}
	}
}

static void ringDeliver(void* the, void* refcon, uint8_t* message, uint16_t messageLength)
{
	RingSerial s = refcon;
	size_t count = 0;
	uint32_t left = __atomic_sub_fetch(&s->queued, 1, __ATOMIC_SEQ_CST);
	if (s->orphan) {
		if (left == 0) c_free(s);
		return;
	}
	if (!s->open) {
		s->readablePending = s->writablePending = 0;
		return;
	}
	xsBeginHost(the);
	xsmcVars(1);
	if (s->readablePending) {
		s->readablePending = 0;
		uart_get_buffered_data_len(s->uart, &count);
		if (count) {
			xsmcSetInteger(xsVar(0), (xsIntegerValue)count);
			xsCall1(s->obj, xsID_onReadable, xsVar(0));
		}
	}
	if (s->open && s->writablePending) {
		s->writablePending = 0;
		uart_get_tx_buffer_free_size(s->uart, &count);
		s->lastFree = (int32_t)count;
		s->wantWritable = 0;
		xsmcSetInteger(xsVar(0), (xsIntegerValue)count);
		xsCall1(s->obj, xsID_onWritable, xsVar(0));
	}
	xsEndHost(the);
}

static void ringClose(RingSerial s)
{
	if (!s->open) return;
	s->open = 0;
	vTaskDelete(s->task);
	uart_driver_delete(s->uart);  /* also deletes the event queue */
}

void xs_bd450_ring_destructor(void* data)
{
	RingSerial s = data;
	if (!s) return;
	ringClose(s);  /* the task is gone: nothing posts any more */
	if (__atomic_load_n(&s->queued, __ATOMIC_SEQ_CST)) s->orphan = 1;
	else c_free(s);
}

void xs_bd450_ring_constructor(xsMachine* the)
{
	RingSerial s;
	uart_config_t config = {0};
	int port = 0, baud, ring = DEFAULT_RING;
	int transmit = UART_PIN_NO_CHANGE, receive = UART_PIN_NO_CHANGE;
	xsmcVars(1);
	if (xsmcHas(xsArg(0), xsID_port)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_port);
		port = xsmcToInteger(xsVar(0));
	}
	if (port < 0 || port >= UART_NUM_MAX) xsRangeError("invalid port");
	if (xsmcHas(xsArg(0), xsID_receive)) { xsmcGet(xsVar(0), xsArg(0), xsID_receive); receive = xsmcToInteger(xsVar(0)); }
	if (xsmcHas(xsArg(0), xsID_transmit)) { xsmcGet(xsVar(0), xsArg(0), xsID_transmit); transmit = xsmcToInteger(xsVar(0)); }
	if (receive == UART_PIN_NO_CHANGE && transmit == UART_PIN_NO_CHANGE) xsUnknownError("invalid");
	if ((receive != UART_PIN_NO_CHANGE && !builtinIsPinFree(receive)) || (transmit != UART_PIN_NO_CHANGE && !builtinIsPinFree(transmit)))
		xsUnknownError("in use");
	xsmcGet(xsVar(0), xsArg(0), xsID_baud);
	baud = xsmcToInteger(xsVar(0));
	if (baud <= 0 || baud > 5000000) xsRangeError("invalid baud");
	if (xsmcHas(xsArg(0), xsID_ringBytes)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_ringBytes);
		ring = xsmcToInteger(xsVar(0));
		if (ring < 256 || ring > 65536) xsRangeError("invalid ringBytes");
	}
	if (xsmcHas(xsArg(0), xsID_format)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_format);
		if (c_strcmp(xsmcToString(xsVar(0)), "buffer")) xsRangeError("invalid format");
	}
	if (uart_is_driver_installed(port)) xsRangeError("port in use");

	s = c_calloc(1, sizeof(RingSerialRecord));
	if (!s) xsRangeError("no memory");
	s->the = the;
	s->obj = xsThis;
	s->uart = (uint8_t)port;
	s->lastFree = TX_RING;
	/* The callbacks live on the instance: ringDeliver calls them as methods (this = the serial). */
	if (xsmcHas(xsArg(0), xsID_onReadable)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_onReadable);
		xsmcSet(xsThis, xsID_onReadable, xsVar(0));
		s->hasReadable = xsmcTest(xsVar(0));
	}
	if (xsmcHas(xsArg(0), xsID_onWritable)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_onWritable);
		xsmcSet(xsThis, xsID_onWritable, xsVar(0));
		s->hasWritable = xsmcTest(xsVar(0));
	}

	config.baud_rate = baud;
	config.data_bits = UART_DATA_8_BITS;
	config.parity = UART_PARITY_DISABLE;
	config.stop_bits = UART_STOP_BITS_1;
	config.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
	config.source_clk = UART_SCLK_DEFAULT;
	if (uart_driver_install(port, ring, TX_RING, EVENT_QUEUE, &s->queue, 0) != ESP_OK) {
		c_free(s);
		xsUnknownError("uart failed");
	}
	if (uart_param_config(port, &config) != ESP_OK || uart_set_pin(port, transmit, receive, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE) != ESP_OK ||
			xTaskCreate(ringTask, "bd450rx", 2048, s, configMAX_PRIORITIES - 2, &s->task) != pdPASS) {
		uart_driver_delete(port);
		c_free(s);
		xsUnknownError("uart failed");
	}
	s->open = 1;
	xsmcSetHostData(xsThis, s);
	xsRemember(s->obj);  /* alive while open: messages refer to it */
	if (s->hasWritable) post(s, &s->writablePending);  /* first onWritable: the TX ring's size */
}

static RingSerial ringOf(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	if (!s || !s->open) xsUnknownError("closed");
	return s;
}

void xs_bd450_ring_close(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	if (!s || !s->open) return;
	ringClose(s);
	xsForget(s->obj);
}

/* read(buffer): bytes read into buffer (undefined when none). */
void xs_bd450_ring_read(xsMachine* the)
{
	RingSerial s = ringOf(the);
	void* data;
	xsUnsignedValue size;
	int n;
	xsmcGetBufferWritable(xsArg(0), &data, &size);
	n = uart_read_bytes(s->uart, data, size, 0);
	if (n > 0) xsmcSetInteger(xsResult, n);
}

/* write(buffer): all bytes into the TX ring, or "output full". */
void xs_bd450_ring_write(xsMachine* the)
{
	RingSerial s = ringOf(the);
	void* data;
	xsUnsignedValue size;
	size_t free = 0;
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	uart_get_tx_buffer_free_size(s->uart, &free);
	if (size > free) {
		s->lastFree = (int32_t)free;
		s->wantWritable = 1;
		xsUnknownError("output full");
	}
	uart_write_bytes(s->uart, data, size);
	s->lastFree = (int32_t)(free - size);
	s->wantWritable = 1;  /* tell the writer when the TX ring has drained further */
}

void xs_bd450_ring_overflow(xsMachine* the)
{
	RingSerial s = xsmcGetHostData(xsThis);
	xsmcSetInteger(xsResult, s ? (xsIntegerValue)s->overflow : 0);
}
