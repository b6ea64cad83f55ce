/*
 * A fake of the few ESP-IDF v6.0 calls the project's ESP32 C makes, for host tests.
 * It is a model, written from the IDF v6.0 sources (esp_driver_uart/src/uart.c, esp_ringbuf,
 * FreeRTOS queue semantics), not a copy of them:
 *
 * - FreeRTOS: queues (and binary semaphores as queues of no size), tasks as ucontext coroutines
 *   run by a deterministic scheduler; blocking calls from a task switch back to the scheduler;
 *   blocking calls from the XS task (main) run the simulation and count the time as "blocked".
 * - UART hardware: a 128-byte RX FIFO fed by the terminal at baud/10 bytes a second (8N1),
 *   an overflow drops the byte; a 128-byte TX FIFO shifting out to the terminal.
 * - UART driver: the ISR moves the RX FIFO into a stash and the stash into the byte ring of
 *   rx_buffer_size when it fits (else UART_BUFFER_FULL, RX interrupts off, the bytes stay);
 *   on FIFO overflow it resets the FIFO (UART_FIFO_OVF). uart_read_bytes refills the ring from
 *   the stash and turns RX interrupts back on. Events go to the driver's queue (dropped when full).
 *   RX interrupt: FIFO at 120 bytes (UART_FULL_THRESH_DEFAULT) or 10 byte times idle (UART_TOUT_THRESH_DEFAULT).
 * - Flash writes: tasks and non-IRAM interrupts wait until the write ends; with
 *   CONFIG_UART_ISR_IN_IRAM the UART interrupt runs (IDF then allocates it with ESP_INTR_FLAG_IRAM).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define VALGRIND_STACK_REGISTER(a, b) 0
#define VALGRIND_STACK_DEREGISTER(id)
#endif

#include "fake-idf.h"
#include "fake-internal.h"
#include "driver/uart.h"
#include "esp_log.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define FIFO 128
#define FULL_THRESH 120
#define TOUT_BYTES 10
#define TASK_STACK (256 * 1024)

int fake_config_uart_isr_in_iram = 0;
FakeIdle fake_xs_idle = NULL;
FakeLive gLive;

static uint64_t now;
static uint64_t stallUntil;
static uint64_t blockedUs;
static int foreignDeletes;
static int aborts;
static char *logText;
static size_t logLength;

/* ---------- log, abort ---------- */

void fake_log(char level, const char *tag, const char *format, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%c (%llu) %s: ", level, (unsigned long long)(now / 1000), tag);
	va_list ap;
	va_start(ap, format);
	n += vsnprintf(line + n, sizeof(line) - n, format, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2) n = sizeof(line) - 2;
	line[n++] = '\n';
	logText = realloc(logText, logLength + n + 1);
	memcpy(logText + logLength, line, n);
	logLength += n;
	logText[logLength] = 0;
}

const char *fake_log_text(void) { return logText ? logText : ""; }

void fake_abort(const char *what, esp_err_t err)
{
	aborts++;
	fake_log('A', "abort", "ESP_ERROR_CHECK failed: %s (%s)", esp_err_to_name(err), what);
}

int fake_aborts(void) { return aborts; }

const char *esp_err_to_name(esp_err_t code)
{
	switch (code) {
	case ESP_OK: return "ESP_OK";
	case ESP_FAIL: return "ESP_FAIL";
	case ESP_ERR_NO_MEM: return "ESP_ERR_NO_MEM";
	case ESP_ERR_INVALID_ARG: return "ESP_ERR_INVALID_ARG";
	case ESP_ERR_INVALID_STATE: return "ESP_ERR_INVALID_STATE";
	case ESP_ERR_TIMEOUT: return "ESP_ERR_TIMEOUT";
	case ESP_ERR_INVALID_VERSION: return "ESP_ERR_INVALID_VERSION";
	default: return "ERROR";
	}
}

/* ---------- scheduler ---------- */

typedef struct QueueDefinition {
	uint8_t *items;
	UBaseType_t length, itemSize, count, head;
} Queue;

struct tskTaskControlBlock {
	ucontext_t context;
	void *stack;
	unsigned stackId;
	TaskFunction_t code;
	void *arg;
	int dead;
	Queue *waitQueue;          /* blocked until it has an item */
	uint64_t deadline;         /* or this time (UINT64_MAX: none) */
	struct tskTaskControlBlock *next;
};

static ucontext_t mainContext;
static TaskHandle_t tasks;
static TaskHandle_t current;   /* NULL: the XS task (main) */

static void step(void);

static void taskEntry(void)
{
	current->code(current->arg);
	/* A FreeRTOS task must not return: IDF would abort. */
	fake_abort("task returned", ESP_FAIL);
	current->dead = 1;
	setcontext(&mainContext);
}

BaseType_t xTaskCreate(TaskFunction_t code, const char *const name, const uint32_t stackDepth, void *const arg, UBaseType_t priority, TaskHandle_t *const created)
{
	(void)name; (void)stackDepth; (void)priority;
	TaskHandle_t t = calloc(1, sizeof(*t));
	if (!t) return pdFAIL;
	t->stack = malloc(TASK_STACK);
	t->stackId = VALGRIND_STACK_REGISTER(t->stack, (char *)t->stack + TASK_STACK);
	t->code = code;
	t->arg = arg;
	t->deadline = 0;   /* runnable now */
	getcontext(&t->context);
	t->context.uc_stack.ss_sp = t->stack;
	t->context.uc_stack.ss_size = TASK_STACK;
	t->context.uc_link = NULL;
	makecontext(&t->context, taskEntry, 0);
	t->next = tasks;
	tasks = t;
	gLive.tasks++;
	if (created) *created = t;
	return pdPASS;
}

void vTaskDelete(TaskHandle_t t)
{
	if (!t || t == current) {
		current->dead = 1;
		swapcontext(&current->context, &mainContext);  /* never resumed */
		return;
	}
	/* Deleted from outside, wherever it stood (what serial-ring.c did before: maybe inside post()). */
	foreignDeletes++;
	t->dead = 1;
}

static void reap(TaskHandle_t t)
{
	VALGRIND_STACK_DEREGISTER(t->stackId);
	free(t->stack);
	free(t);
	gLive.tasks--;
}

void fake_reap(void)
{
	TaskHandle_t *link = &tasks;
	while (*link) {
		TaskHandle_t t = *link;
		if (t->dead) { *link = t->next; reap(t); }
		else link = &t->next;
	}
}

int fake_foreign_deletes(void) { return foreignDeletes; }

TickType_t xTaskGetTickCount(void) { return (TickType_t)(now / 1000); }

static uint64_t deadlineOf(TickType_t ticks)
{
	return ticks == portMAX_DELAY ? UINT64_MAX : now + (uint64_t)ticks * 1000;
}

/* Block the caller until `q` has an item or the deadline: a task yields, the XS task runs time. */
static void waitFor(Queue *q, uint64_t deadline)
{
	if (current) {
		current->waitQueue = q;
		current->deadline = deadline;
		swapcontext(&current->context, &mainContext);
		current->waitQueue = NULL;
		return;
	}
	uint64_t start = now;
	while (!(q && q->count) && now < deadline && now - start < 10000000) step();
	blockedUs += now - start;
}

void vTaskDelay(const TickType_t ticks)
{
	waitFor(NULL, deadlineOf(ticks ? ticks : 1));
}

static int runnable(TaskHandle_t t)
{
	if (t->dead) return 0;
	if (t->waitQueue && t->waitQueue->count) return 1;
	return now >= t->deadline;
}

static void runTasks(void)
{
	if (now < stallUntil) return;  /* caches off: no task runs */
	for (int rounds = 0; rounds < 1000; rounds++) {
		int ran = 0;
		for (TaskHandle_t t = tasks; t; t = t->next) {
			if (!runnable(t)) continue;
			current = t;
			swapcontext(&mainContext, &t->context);
			current = NULL;
			ran = 1;
		}
		if (!ran) return;
	}
	fake_abort("tasks never block", ESP_FAIL);
}

uint64_t fake_xs_blocked_us(void) { return blockedUs; }
uint64_t fake_now_us(void) { return now; }

/* ---------- queues ---------- */

QueueHandle_t xQueueGenericCreate(const UBaseType_t length, const UBaseType_t itemSize, const uint8_t type)
{
	(void)type;
	Queue *q = calloc(1, sizeof(*q));
	if (!q) return NULL;
	q->length = length;
	q->itemSize = itemSize;
	if (itemSize) q->items = malloc((size_t)length * itemSize);
	gLive.queues++;
	return q;
}

void vQueueDelete(QueueHandle_t q)
{
	if (!q) return;
	for (TaskHandle_t t = tasks; t; t = t->next)
		if (!t->dead && t->waitQueue == q) fake_abort("queue deleted while a task waits on it", ESP_FAIL);
	free(q->items);
	free(q);
	gLive.queues--;
}

static int put(Queue *q, const void *item)
{
	if (q->count >= q->length) return 0;
	if (q->itemSize) memcpy(q->items + ((q->head + q->count) % q->length) * q->itemSize, item, q->itemSize);
	q->count++;
	return 1;
}

BaseType_t xQueueGenericSend(QueueHandle_t q, const void *const item, TickType_t ticks, const BaseType_t position)
{
	(void)position;
	uint64_t deadline = deadlineOf(ticks);
	for (;;) {
		if (put(q, item)) return pdTRUE;
		if (!ticks || now >= deadline) return pdFALSE;
		waitFor(NULL, now + 1000);  /* look again next tick */
	}
}

BaseType_t xQueueReceive(QueueHandle_t q, void *const buffer, TickType_t ticks)
{
	uint64_t deadline = deadlineOf(ticks);
	for (;;) {
		if (q->count) {
			if (q->itemSize) memcpy(buffer, q->items + q->head * q->itemSize, q->itemSize);
			q->head = (q->head + 1) % q->length;
			q->count--;
			return pdTRUE;
		}
		if (!ticks || now >= deadline) return pdFALSE;
		waitFor(q, deadline);
	}
}

BaseType_t xQueueSemaphoreTake(QueueHandle_t q, TickType_t ticks)
{
	return xQueueReceive(q, NULL, ticks);
}

/* ---------- UART ---------- */

typedef struct {
	int installed;
	int baud;
	uint64_t byteUs_x1000;     /* a byte's time on the line, in ns */
	/* terminal -> board */
	uint64_t toSend, sent;
	uint64_t nextRxAt_ns;
	uint8_t rxFifo[FIFO];
	int rxHead, rxCount;
	int ovfPending;
	uint64_t lastRxAt;
	int rxIntrOn;
	/* driver */
	uint8_t *ring;
	int ringSize, ringHead, ringCount;
	uint8_t stash[FIFO];
	int stashCount;
	int bufferFull;
	Queue *events;
	/* board -> terminal */
	uint8_t txFifo[FIFO];
	int txHead, txCount;
	uint64_t nextTxAt_ns;
	uint8_t *received;
	size_t receivedLength, receivedSize;
	FakeUartStats stats;
} Uart;

static Uart uarts[UART_NUM_MAX];
static uint64_t nowNs(void) { return now * 1000; }

uint8_t fake_pattern(uint64_t i)
{
	/* Changes on every byte and does not repeat for 65,536 bytes: a lost byte shows. */
	return (uint8_t)((i * 37 + (i >> 8) * 11 + 5) & 0xFF);
}

void fake_terminal_send(int port, uint64_t count)
{
	Uart *u = &uarts[port];
	if (u->toSend == u->sent) u->nextRxAt_ns = nowNs();
	u->toSend += count;
}

const uint8_t *fake_terminal_received(int port, size_t *length)
{
	*length = uarts[port].receivedLength;
	return uarts[port].received;
}

FakeUartStats fake_uart_stats(int port) { return uarts[port].stats; }

static void event(Uart *u, uart_event_type_t type, size_t size)
{
	uart_event_t e = {type, size, false};
	if (type == UART_DATA) u->stats.eventsData++;
	else if (type == UART_BUFFER_FULL) u->stats.eventsBufferFull++;
	else if (type == UART_FIFO_OVF) u->stats.eventsFifoOvf++;
	if (!u->events || !put(u->events, &e)) u->stats.eventsDropped++;
}

static int ringPush(Uart *u, const uint8_t *data, int n)
{
	if (u->ringSize - u->ringCount < n) return 0;  /* byte buffer: all or nothing */
	for (int i = 0; i < n; i++) u->ring[(u->ringHead + u->ringCount + i) % u->ringSize] = data[i];
	u->ringCount += n;
	return 1;
}

static void isr(Uart *u)
{
	int due = (u->rxIntrOn && (u->rxCount >= FULL_THRESH || (u->rxCount && nowNs() - u->lastRxAt * 1000 >= TOUT_BYTES * u->byteUs_x1000))) || u->ovfPending;
	if (!due) return;
	if (now < stallUntil && !fake_config_uart_isr_in_iram) {
		u->stats.isrDeferredUs++;
		return;
	}
	if (u->rxIntrOn && u->rxCount && !u->stashCount) {
		int n = u->rxCount;
		for (int i = 0; i < n; i++) u->stash[i] = u->rxFifo[(u->rxHead + i) % FIFO];
		u->rxHead = (u->rxHead + n) % FIFO;
		u->rxCount = 0;
		u->stashCount = n;
		if (ringPush(u, u->stash, n)) {
			u->stashCount = 0;
			event(u, UART_DATA, n);
		}
		else {
			u->bufferFull = 1;
			u->rxIntrOn = 0;
			event(u, UART_BUFFER_FULL, 0);
		}
	}
	if (u->ovfPending) {
		u->stats.droppedByFifo += u->rxCount;  /* the reset empties the FIFO */
		u->rxCount = 0;
		u->ovfPending = 0;
		event(u, UART_FIFO_OVF, 0);
	}
}

static void hardware(Uart *u)
{
	while (u->sent < u->toSend && u->nextRxAt_ns <= nowNs()) {
		uint8_t b = fake_pattern(u->sent++);
		u->stats.sentByTerminal++;
		u->nextRxAt_ns += u->byteUs_x1000;
		u->lastRxAt = now;
		if (u->rxCount == FIFO) {
			u->ovfPending = 1;
			u->stats.droppedByFifo++;
		}
		else u->rxFifo[(u->rxHead + u->rxCount++) % FIFO] = b;
	}
	if (u->txCount && u->nextTxAt_ns <= nowNs()) {
		if (u->receivedLength == u->receivedSize) {
			u->receivedSize = u->receivedSize ? u->receivedSize * 2 : 1024;
			u->received = realloc(u->received, u->receivedSize);
		}
		u->received[u->receivedLength++] = u->txFifo[u->txHead];
		u->txHead = (u->txHead + 1) % FIFO;
		u->txCount--;
		u->nextTxAt_ns = nowNs() + u->byteUs_x1000;
	}
	else if (!u->txCount) u->nextTxAt_ns = nowNs();
}

static void step(void)
{
	now++;
	for (int i = 0; i < UART_NUM_MAX; i++) {
		if (!uarts[i].installed) continue;
		hardware(&uarts[i]);
		isr(&uarts[i]);
	}
	fake_eth_step();
	runTasks();
}

void fake_run(uint64_t us)
{
	uint64_t end = now + us;
	while (now < end) {
		step();
		if (fake_xs_idle && now >= stallUntil) fake_xs_idle();
	}
}

int fake_run_until(int (*cond)(void), uint64_t us)
{
	uint64_t end = now + us;
	while (now < end) {
		if (cond()) return 1;
		step();
		if (fake_xs_idle && now >= stallUntil) fake_xs_idle();
	}
	return cond();
}

void fake_flash_write(uint64_t us)
{
	stallUntil = now + us;
	while (now < stallUntil) step();
}

esp_err_t uart_driver_install(uart_port_t port, int rxSize, int txSize, int queueSize, QueueHandle_t *queue, int flags)
{
	(void)flags;
	if (port >= UART_NUM_MAX || uarts[port].installed) return ESP_FAIL;
	if (rxSize <= FIFO || (txSize && txSize <= FIFO)) return ESP_FAIL;  /* IDF: rx must exceed the FIFO */
	if (txSize) return ESP_ERR_NOT_SUPPORTED;  /* the TX ring is not modelled: the project does not use it */
	Uart *u = &uarts[port];
	u->installed = 1;
	u->ring = malloc(rxSize);
	u->ringSize = rxSize;
	u->ringHead = u->ringCount = u->stashCount = u->bufferFull = 0;
	u->rxIntrOn = 1;
	u->events = NULL;
	if (queueSize && queue) {
		u->events = xQueueGenericCreate(queueSize, sizeof(uart_event_t), queueQUEUE_TYPE_BASE);
		*queue = u->events;
	}
	gLive.drivers++;
	return ESP_OK;
}

esp_err_t uart_driver_delete(uart_port_t port)
{
	Uart *u = &uarts[port];
	if (!u->installed) return ESP_OK;
	if (u->events) vQueueDelete(u->events);
	free(u->ring);
	u->ring = NULL;
	u->events = NULL;
	u->installed = 0;
	gLive.drivers--;
	return ESP_OK;
}

bool uart_is_driver_installed(uart_port_t port) { return port < UART_NUM_MAX && uarts[port].installed; }

esp_err_t uart_param_config(uart_port_t port, const uart_config_t *config)
{
	Uart *u = &uarts[port];
	if (config->baud_rate <= 0) return ESP_ERR_INVALID_ARG;
	u->baud = config->baud_rate;
	u->byteUs_x1000 = (uint64_t)10 * 1000000000ull / (uint64_t)config->baud_rate;  /* 10 bits, in ns */
	return ESP_OK;
}

esp_err_t uart_set_pin(uart_port_t port, int tx, int rx, int rts, int cts)
{
	(void)port; (void)tx; (void)rx; (void)rts; (void)cts;
	return ESP_OK;
}

int uart_read_bytes(uart_port_t port, void *buf, uint32_t length, uint32_t ticks)
{
	Uart *u = &uarts[port];
	uint8_t *out = buf;
	int n = 0;
	if (ticks) waitFor(NULL, now + (uint64_t)ticks * 1000);  /* not modelled beyond the wait */
	while (n < (int)length && u->ringCount) {
		out[n++] = u->ring[u->ringHead];
		u->ringHead = (u->ringHead + 1) % u->ringSize;
		u->ringCount--;
	}
	if (u->bufferFull && ringPush(u, u->stash, u->stashCount)) {
		u->stashCount = 0;
		u->bufferFull = 0;
		u->rxIntrOn = 1;
	}
	return n;
}

int uart_tx_chars(uart_port_t port, const char *buffer, uint32_t len)
{
	Uart *u = &uarts[port];
	int n = 0;
	while (n < (int)len && u->txCount < FIFO) u->txFifo[(u->txHead + u->txCount++) % FIFO] = (uint8_t)buffer[n++];
	return n;
}

int uart_write_bytes(uart_port_t port, const void *src, size_t size)
{
	/* Without a TX ring IDF waits here until the FIFO took everything. */
	const char *p = src;
	size_t done = 0;
	while (done < size) {
		done += (size_t)uart_tx_chars(port, p + done, (uint32_t)(size - done));
		if (done < size) waitFor(NULL, now + 1);
	}
	return (int)size;
}

esp_err_t uart_get_buffered_data_len(uart_port_t port, size_t *size)
{
	*size = (size_t)uarts[port].ringCount;
	return ESP_OK;
}

FakeLive fake_live(void) { return gLive; }
