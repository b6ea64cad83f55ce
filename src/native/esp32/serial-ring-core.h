/*
 * bd450 terminal UART core (ESP-IDF v6.0): everything of serial-ring.c that is not XS.
 * Kept apart from the xsmc binding so that hosttest/native-esp32 compiles it with host gcc
 * against a fake of the IDF calls it makes (same signatures as the v6.0 headers).
 *
 * Threads: the XS task calls ringOpen/ringWrite/ringRead/ringTake/ringClose; the ring task
 * (ringTask, one per open port) waits on the driver's event queue and pumps the transmit ring.
 */
#ifndef BD450_SERIAL_RING_CORE_H
#define BD450_SERIAL_RING_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

/* Transmit ring owned here (a power of two). */
#define RING_TX_BYTES 512
#define RING_MIN_BYTES 256
#define RING_MAX_BYTES 65536

typedef struct RingCore RingCore;

/* Posts one message to the XS task, which then calls ringTake. 0 when posted. */
typedef int (*RingNotify)(RingCore* core);

struct RingCore {
	RingNotify notify;
	QueueHandle_t queue;                  /* the driver's event queue; also carries our wake-ups */
	TaskHandle_t task;
	SemaphoreHandle_t stopped;            /* given by the ring task as its last act */
	uint32_t overflow;                    /* receive FIFO overflows (bytes lost) */
	uint32_t baud;
	uart_port_t uart;
	uint8_t open;
	uint8_t hasReadable;
	uint8_t hasWritable;
	volatile uint8_t stop;                /* close asks the ring task to end */
	volatile uint8_t readablePending;     /* a message for onReadable is posted */
	volatile uint8_t writablePending;
	volatile uint8_t wantWritable;        /* a writer waits for room */
	uint32_t queued;                      /* messages posted, not yet taken (atomic) */
	uint32_t lastFree;                    /* room last reported to (or refused to) the writer */
	volatile uint32_t txHead;             /* free-running: written by the XS task */
	volatile uint32_t txTail;             /* free-running: advanced by the ring task */
	uint8_t tx[RING_TX_BYTES];
};

typedef struct {
	int port;
	int baud;
	int receive;                          /* pins, UART_PIN_NO_CHANGE when absent */
	int transmit;
	int ringBytes;                        /* 0: ringDefaultBytes(baud) */
	uint8_t hasReadable;
	uint8_t hasWritable;
} RingOptions;

/* Receive ring that holds a 100 ms flash-write stall at `baud` with half again as margin (at least 8 KB). */
int ringDefaultBytes(int baud);

/* Installs the driver, starts the ring task. NULL on success, else what failed (nothing is left behind). */
const char* ringOpen(RingCore* s, const RingOptions* options, RingNotify notify);

/* Bytes the transmit ring takes now. */
uint32_t ringRoom(RingCore* s);

/* Queues all of data, or nothing when it does not fit (returns 0; onWritable follows when room grows). Never blocks. */
int ringWrite(RingCore* s, const uint8_t* data, uint32_t size);

/* Bytes read into data (0 when none). Never blocks. */
int ringRead(RingCore* s, uint8_t* data, uint32_t size);

/* What one posted message asks the XS task to do. */
enum {
	RING_TAKE_NONE = 0,
	RING_TAKE_READABLE = 1,               /* *readable bytes wait */
	RING_TAKE_WRITABLE = 2,               /* *writable bytes of room */
	RING_TAKE_FREE = 4                    /* the port was closed and this was its last message: free the record */
};
int ringTake(RingCore* s, size_t* readable, uint32_t* writable);

/* Stops the ring task cooperatively, then deletes the driver. Returns 1 when the caller may free
   the record now, 0 when posted messages still refer to it (the last ringTake says RING_TAKE_FREE). */
int ringClose(RingCore* s);

#endif
