/*
 * bd450 terminal UART core (ESP-IDF v6.0). Contract: serial-ring-core.h; XS binding: serial-ring.c.
 *
 * Receive: the driver's interrupt empties the 128-byte FIFO into its ring of ringBytes; the ring
 * task posts one message at a time to the XS task (onReadable). With CONFIG_UART_ISR_IN_IRAM the
 * interrupt also runs while flash is written (an NVS save), so the FIFO does not overflow then.
 * Bytes are lost only when the FIFO overflows (UART_FIFO_OVF): UART_BUFFER_FULL means the ring is
 * full and the driver left the bytes in the FIFO, so it is no loss and is not counted.
 *
 * Transmit: our own ring of RING_TX_BYTES, and the driver installed without a TX ring. Why: the
 * driver's TX ring is a no-split ring buffer where each write queues a 12-byte header item and
 * data chunks with 8-byte headers that cannot wrap, so its free size does not tell whether a write
 * fits, and a write that does not fit waits inside uart_write_bytes on the XS task. Here write()
 * only copies into memory and wakes the ring task, which feeds the FIFO with uart_tx_chars (never
 * waits) and, while bytes are left, looks again after about half a FIFO's time on the line; so it
 * sees the ring drain with a silent terminal, and onWritable follows.
 */
#include "serial-ring-core.h"

#include <string.h>

#define EVENT_QUEUE 16
#define WAKE_EVENT UART_EVENT_MAX  /* our own event type in the driver's queue: "look at the transmit ring" */
#define RING_TASK_STACK 2048
#define HALF_FIFO_BITS (64 * 10)   /* 8N1: ten bits a byte */

int ringDefaultBytes(int baud)
{
	int bytes = (int)(((int64_t)baud * 15 + 999) / 1000);  /* baud / 10 bytes a second, for 150 ms */
	bytes = (bytes + 1023) & ~1023;
	if (bytes < 8192) bytes = 8192;
	if (bytes > RING_MAX_BYTES) bytes = RING_MAX_BYTES;
	return bytes;
}

static void post(RingCore* s, volatile uint8_t* pending)
{
	if (*pending || s->stop) return;
	*pending = 1;
	__atomic_fetch_add(&s->queued, 1, __ATOMIC_SEQ_CST);
	if (s->notify(s)) {
		__atomic_fetch_sub(&s->queued, 1, __ATOMIC_SEQ_CST);
		*pending = 0;
	}
}

uint32_t ringRoom(RingCore* s)
{
	return RING_TX_BYTES - (__atomic_load_n(&s->txHead, __ATOMIC_ACQUIRE) - __atomic_load_n(&s->txTail, __ATOMIC_ACQUIRE));
}

static void wake(RingCore* s)
{
	uart_event_t event = {0};
	event.type = WAKE_EVENT;
	/* A full queue wakes the task anyway. */
	xQueueSend(s->queue, &event, 0);
}

/* Ring task: moves queued bytes into the TX FIFO; returns the bytes still queued. */
static uint32_t pump(RingCore* s)
{
	uint32_t tail = s->txTail, head = __atomic_load_n(&s->txHead, __ATOMIC_ACQUIRE);
	while (tail != head) {
		uint32_t at = tail & (RING_TX_BYTES - 1);
		uint32_t chunk = head - tail;
		if (chunk > RING_TX_BYTES - at) chunk = RING_TX_BYTES - at;
		int sent = uart_tx_chars(s->uart, (const char*)&s->tx[at], chunk);
		if (sent <= 0) break;
		tail += (uint32_t)sent;
		__atomic_store_n(&s->txTail, tail, __ATOMIC_RELEASE);
		if ((uint32_t)sent < chunk) break;  /* FIFO full */
	}
	return head - tail;
}

static void ringTask(void* arg)
{
	RingCore* s = arg;
	uart_event_t event;
	/* While bytes wait for the FIFO: look again when about half of it has gone out. */
	TickType_t poll = pdMS_TO_TICKS((HALF_FIFO_BITS * 1000) / s->baud);
	if (poll < 1) poll = 1;
	while (!s->stop) {
		uint32_t waiting = s->txHead - s->txTail;
		if (xQueueReceive(s->queue, &event, waiting ? poll : portMAX_DELAY)) {
			if (event.type == UART_DATA || event.type == UART_BUFFER_FULL) {
				if (s->hasReadable) post(s, &s->readablePending);
			}
			else if (event.type == UART_FIFO_OVF) {
				__atomic_fetch_add(&s->overflow, 1, __ATOMIC_SEQ_CST);
				if (s->hasReadable) post(s, &s->readablePending);
			}
		}
		if (s->stop) break;
		pump(s);
		if (s->wantWritable && s->hasWritable && ringRoom(s) > s->lastFree)
			post(s, &s->writablePending);
	}
	/* Last act: after this the task touches nothing of s (ringClose may free it). */
	xSemaphoreGive(s->stopped);
	vTaskDelete(NULL);
}

const char* ringOpen(RingCore* s, const RingOptions* o, RingNotify notify)
{
	uart_config_t config;
	int ring = o->ringBytes ? o->ringBytes : ringDefaultBytes(o->baud);
	if (o->port < 0 || o->port >= UART_NUM_MAX) return "invalid port";
	if (o->baud <= 0 || o->baud > 5000000) return "invalid baud";
	if (ring < RING_MIN_BYTES || ring > RING_MAX_BYTES) return "invalid ringBytes";
	if (uart_is_driver_installed(o->port)) return "port in use";

	memset(s, 0, sizeof(*s));
	s->notify = notify;
	s->uart = o->port;
	s->baud = (uint32_t)o->baud;
	s->hasReadable = o->hasReadable;
	s->hasWritable = o->hasWritable;
	s->lastFree = RING_TX_BYTES;

	memset(&config, 0, sizeof(config));
	config.baud_rate = o->baud;
	config.data_bits = UART_DATA_8_BITS;
	config.parity = UART_PARITY_DISABLE;
	config.stop_bits = UART_STOP_BITS_1;
	config.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
	config.source_clk = UART_SCLK_DEFAULT;
	/* No driver TX ring (see the top); ESP_INTR_FLAG_IRAM follows CONFIG_UART_ISR_IN_IRAM in the driver. */
	if (uart_driver_install(o->port, ring, 0, EVENT_QUEUE, &s->queue, 0) != ESP_OK) return "uart failed";
	s->stopped = xSemaphoreCreateBinary();
	if (!s->stopped || uart_param_config(o->port, &config) != ESP_OK ||
			uart_set_pin(o->port, o->transmit, o->receive, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE) != ESP_OK ||
			xTaskCreate(ringTask, "bd450rx", RING_TASK_STACK, s, configMAX_PRIORITIES - 2, &s->task) != pdPASS) {
		if (s->stopped) vSemaphoreDelete(s->stopped);
		uart_driver_delete(o->port);
		return "uart failed";
	}
	s->open = 1;
	if (s->hasWritable) post(s, &s->writablePending);  /* first onWritable: the ring's size */
	return NULL;
}

int ringWrite(RingCore* s, const uint8_t* data, uint32_t size)
{
	uint32_t room = ringRoom(s), head = s->txHead;
	if (size > room) {
		s->lastFree = room;
		s->wantWritable = 1;
		return 0;
	}
	for (uint32_t i = 0; i < size;) {
		uint32_t at = (head + i) & (RING_TX_BYTES - 1);
		uint32_t chunk = size - i;
		if (chunk > RING_TX_BYTES - at) chunk = RING_TX_BYTES - at;
		memcpy(&s->tx[at], data + i, chunk);
		i += chunk;
	}
	__atomic_store_n(&s->txHead, head + size, __ATOMIC_RELEASE);
	s->lastFree = room - size;
	s->wantWritable = 1;  /* tell the writer when the ring has drained further */
	if (size) wake(s);
	return 1;
}

int ringRead(RingCore* s, uint8_t* data, uint32_t size)
{
	int n = uart_read_bytes(s->uart, data, size, 0);
	return n > 0 ? n : 0;
}

int ringTake(RingCore* s, size_t* readable, uint32_t* writable)
{
	int what = RING_TAKE_NONE;
	uint32_t left = __atomic_sub_fetch(&s->queued, 1, __ATOMIC_SEQ_CST);
	if (!s->open) {
		s->readablePending = s->writablePending = 0;
		return left ? RING_TAKE_NONE : RING_TAKE_FREE;
	}
	if (s->readablePending) {
		s->readablePending = 0;
		*readable = 0;
		uart_get_buffered_data_len(s->uart, readable);
		if (*readable) what |= RING_TAKE_READABLE;
	}
	if (s->writablePending) {
		s->writablePending = 0;
		s->wantWritable = 0;
		*writable = s->lastFree = ringRoom(s);
		what |= RING_TAKE_WRITABLE;
	}
	return what;
}

int ringClose(RingCore* s)
{
	uart_event_t event = {0};
	if (!s->open) return __atomic_load_n(&s->queued, __ATOMIC_SEQ_CST) == 0;
	s->stop = 1;
	/* The task waits in xQueueReceive (or is about to look at stop): an event wakes it (a full queue
	   needs none), and it gives `stopped` within one pass of its loop, which never waits on anything
	   else. Deleting it from here instead could kill it inside post() with a message half made. */
	event.type = WAKE_EVENT;
	xQueueSend(s->queue, &event, 0);
	xSemaphoreTake(s->stopped, portMAX_DELAY);
	vSemaphoreDelete(s->stopped);
	s->stopped = NULL;
	s->open = 0;
	uart_driver_delete(s->uart);  /* also deletes the event queue */
	s->queue = NULL;
	return __atomic_load_n(&s->queued, __ATOMIC_SEQ_CST) == 0;
}
