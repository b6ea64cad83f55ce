/*
 * Host tests of the project's ESP32 C (src/native/esp32/serial-ring-core.c,
 * src/platform/moddable/esp32/w5500/w5500-start.c) against the fake IDF in fixtures/.
 * One scenario per run: `esp32-c-test <scenario>`; prints one JSON line of what it measured,
 * exits 1 when a check inside failed (the message says which). Run by native-esp32.test.ts
 * under valgrind. The oracles are the terminal's byte pattern (fake_pattern), the fake's
 * counters and hand-written numbers, never the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/fake-idf.h"
#include "serial-ring-core.h"
#include "w5500-start.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "CHECK failed: %s: ", #cond); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* ---------- the XS side of the ring: what serial-ring.c and the gateway do with it ---------- */

typedef struct {
	RingCore* core;
	int posted;               /* messages waiting for the XS task */
	int closed;
	uint64_t received;        /* bytes read, each checked against the terminal's pattern */
	uint64_t firstMismatch;   /* index of the first byte that was not the next one sent (UINT64_MAX: none) */
	int readableCalls, writableCalls;
	uint32_t lastWritable;
	uint64_t writableAt;
	int readsPaused;          /* the gateway is busy: onReadable reads nothing */
	int freedByTake;
} Js;

static Js js;

static int notify(RingCore* core)
{
	(void)core;
	js.posted++;
	return 0;
}

static void readAll(void)
{
	uint8_t buffer[256];
	int n;
	while ((n = ringRead(js.core, buffer, sizeof(buffer))) > 0) {
		for (int i = 0; i < n; i++, js.received++)
			if (buffer[i] != fake_pattern(js.received) && js.firstMismatch == UINT64_MAX) js.firstMismatch = js.received;
	}
}

static void xsIdle(void)
{
	while (js.posted > 0) {
		size_t readable = 0;
		uint32_t writable = 0;
		js.posted--;
		int what = ringTake(js.core, &readable, &writable);
		if (what & RING_TAKE_FREE) { js.freedByTake++; free(js.core); js.core = NULL; return; }
		if (what & RING_TAKE_READABLE) {
			js.readableCalls++;
			if (!js.readsPaused) readAll();
		}
		if (what & RING_TAKE_WRITABLE) {
			js.writableCalls++;
			js.lastWritable = writable;
			js.writableAt = fake_now_us();
		}
	}
}

static RingCore* openRing(int baud, int ringBytes)
{
	RingOptions o = {0};
	memset(&js, 0, sizeof(js));
	js.firstMismatch = UINT64_MAX;
	o.port = 2;
	o.baud = baud;
	o.receive = 26;
	o.transmit = 27;
	o.ringBytes = ringBytes;
	o.hasReadable = o.hasWritable = 1;
	js.core = calloc(1, sizeof(RingCore));
	const char* failed = ringOpen(js.core, &o, notify);
	CHECK(!failed, "ringOpen: %s", failed ? failed : "");
	fake_xs_idle = xsIdle;
	fake_run(1000);  /* the task starts; the first onWritable */
	return js.core;
}

static void closeRing(void)
{
	if (ringClose(js.core)) { free(js.core); js.core = NULL; }
	fake_run(1000);  /* a message still posted frees it (RING_TAKE_FREE) */
	fake_reap();
	FakeLive l = fake_live();
	CHECK(js.core == NULL, "record not freed");
	CHECK(l.queues == 0 && l.tasks == 0 && l.drivers == 0, "left: %d queues, %d tasks, %d drivers", l.queues, l.tasks, l.drivers);
	CHECK(fake_foreign_deletes() == 0, "a task was deleted from outside");
}

/* ---------- scenarios ---------- */

/* A 100 ms flash write (NVS save) while the terminal talks without a pause. */
static void stall(int baud, int iram)
{
	fake_config_uart_isr_in_iram = iram;
	openRing(baud, 0);
	uint64_t perSecond = (uint64_t)baud / 10;
	fake_terminal_send(2, perSecond / 2);           /* half a second of bytes */
	fake_run(100000);
	fake_flash_write(100000);
	fake_run(400000);                                /* the rest arrives and is read */
	fake_run(50000);
	uint32_t overflow = js.core->overflow;
	FakeUartStats u = fake_uart_stats(2);
	printf("{\"scenario\":\"stall\",\"baud\":%d,\"iram\":%d,\"ringBytes\":%d,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
		"\"firstMismatch\":%lld,\"overflow\":%u,\"fifoOvfEvents\":%u,\"bufferFullEvents\":%u,\"isrDeferredUs\":%u}\n",
		baud, iram, ringDefaultBytes(baud), (unsigned long long)u.sentByTerminal, (unsigned long long)js.received,
		(unsigned long long)u.droppedByFifo, js.firstMismatch == UINT64_MAX ? -1LL : (long long)js.firstMismatch,
		overflow, u.eventsFifoOvf, u.eventsBufferFull, u.isrDeferredUs);
	closeRing();
}

/* A writer sends 3,000 bytes in 100-byte writes, and on "output full" waits for onWritable
   (as the gateway does); the terminal never says a word, so no receive event wakes anything. */
static uint8_t out3000[3000];
static uint32_t outSent;
static int refusals;

static void writeMore(void)
{
	while (outSent < sizeof(out3000)) {
		uint32_t n = sizeof(out3000) - outSent < 100 ? sizeof(out3000) - outSent : 100;
		if (!ringWrite(js.core, out3000 + outSent, n)) { refusals++; return; }
		outSent += n;
	}
}

static int allSent(void)
{
	size_t got;
	fake_terminal_received(2, &got);
	return got == sizeof(out3000);
}

static void writable(void)
{
	for (int i = 0; i < (int)sizeof(out3000); i++) out3000[i] = fake_pattern(i);
	openRing(115200, 0);
	CHECK(js.writableCalls == 1 && js.lastWritable == 512, "first onWritable: %d calls, %u", js.writableCalls, js.lastWritable);
	uint64_t start = fake_now_us();
	writeMore();
	CHECK(refusals == 1 && outSent == 500, "the first burst: %u sent, %d refused", outSent, refusals);
	int calls = js.writableCalls;
	/* the writer goes on from each onWritable */
	uint64_t until = start + 1000000;
	while (!allSent() && fake_now_us() < until) {
		fake_run(100);
		if (js.writableCalls != calls) { calls = js.writableCalls; writeMore(); }
	}
	uint64_t took = fake_now_us() - start;
	size_t got;
	const uint8_t* out = fake_terminal_received(2, &got);
	CHECK(got == sizeof(out3000) && memcmp(out, out3000, got) == 0, "terminal got %zu of 3000 bytes", got);
	CHECK(fake_xs_blocked_us() == 0, "XS task blocked %llu us", (unsigned long long)fake_xs_blocked_us());
	printf("{\"scenario\":\"writable\",\"bytes\":3000,\"terminalGot\":%zu,\"tookUs\":%llu,\"lineUs\":%llu,\"refusals\":%d,\"onWritable\":%d,\"xsBlockedUs\":%llu}\n",
		got, (unsigned long long)took, 3000ull * 10 * 1000000 / 115200, refusals, js.writableCalls, (unsigned long long)fake_xs_blocked_us());
	closeRing();
}

/* Writes at and around the limit, with the ring at every fill level: all that fits is taken
   without the XS task ever waiting, and nothing else; the terminal gets every accepted byte. */
static void nearLimit(void)
{
	uint8_t data[RING_TX_BYTES + 1];
	uint64_t accepted = 0, refused = 0, wrong = 0;
	uint8_t* expect = malloc(1 << 20);
	openRing(921600, 0);
	for (int round = 0; round < 300; round++) {
		/* just over the room, just under it, exactly the last byte, and over again */
		for (int k = 0; k < 4; k++) {
			uint32_t roomNow = ringRoom(js.core);
			uint32_t n = k == 0 || k == 3 ? roomNow + 1 : k == 1 ? (roomNow ? roomNow - 1 : 0) : roomNow;
			for (uint32_t i = 0; i < n; i++) data[i] = fake_pattern(accepted + i);
			int ok = ringWrite(js.core, data, n);
			if (ok != (n <= roomNow)) wrong++;
			if (ok) { memcpy(expect + accepted, data, n); accepted += n; }
			else refused++;
		}
		fake_run(37 + (round * 53) % 700);  /* the FIFO drains part of it, at every phase */
	}
	fake_run(100000);
	size_t got;
	const uint8_t* out = fake_terminal_received(2, &got);
	CHECK(wrong == 0, "%llu writes taken or refused against the room", (unsigned long long)wrong);
	CHECK(fake_xs_blocked_us() == 0, "XS task blocked %llu us", (unsigned long long)fake_xs_blocked_us());
	CHECK(got == accepted && memcmp(out, expect, got) == 0, "terminal got %zu of %llu", got, (unsigned long long)accepted);
	printf("{\"scenario\":\"nearlimit\",\"accepted\":%llu,\"refused\":%llu,\"xsBlockedUs\":%llu,\"terminalGot\":%zu}\n",
		(unsigned long long)accepted, (unsigned long long)refused, (unsigned long long)fake_xs_blocked_us(), got);
	free(expect);
	closeRing();
}

/* Close while bytes wait both ways and a message is posted but not yet taken. */
static void closeBusy(void)
{
	uint8_t data[300];
	memset(data, 'x', sizeof(data));
	openRing(115200, 0);
	fake_terminal_send(2, 5000);
	js.readsPaused = 1;
	fake_run(30000);
	CHECK(ringWrite(js.core, data, sizeof(data)), "write");
	fake_xs_idle = NULL;  /* the XS task is busy: what the ring task posts now waits */
	fake_run(2000);
	size_t buffered = 0;
	uart_get_buffered_data_len(2, &buffered);
	int posted = js.posted;
	uint64_t blockedBefore = fake_xs_blocked_us();
	int freeNow = ringClose(js.core);
	if (freeNow) { free(js.core); js.core = NULL; }
	fake_xs_idle = xsIdle;
	printf("{\"scenario\":\"close\",\"rxBuffered\":%zu,\"txQueued\":%d,\"postedAtClose\":%d,\"freedAtClose\":%d,\"closeBlockedUs\":%llu}\n",
		buffered, js.core ? (int)(js.core->txHead - js.core->txTail) : -1, posted, freeNow,
		(unsigned long long)(fake_xs_blocked_us() - blockedBefore));
	CHECK(buffered > 0 && posted > 0, "nothing was waiting at close (%zu buffered, %d posted)", buffered, posted);
	fake_run(1000);
	CHECK(js.freedByTake == (freeNow ? 0 : 1), "the last message freed the record: %d", js.freedByTake);
	fake_reap();
	FakeLive l = fake_live();
	CHECK(js.core == NULL, "record not freed");
	CHECK(l.queues == 0 && l.tasks == 0 && l.drivers == 0, "left: %d queues, %d tasks, %d drivers", l.queues, l.tasks, l.drivers);
	CHECK(fake_foreign_deletes() == 0, "a task was deleted from outside");
}

/* The gateway stops reading. A full ring (UART_BUFFER_FULL) that the FIFO still covers loses
   nothing and counts nothing; only once the FIFO overflows are bytes lost and counted. */
static void overflow(void)
{
	openRing(115200, 1024);
	js.readsPaused = 1;
	/* the ring takes the FIFO's 120-byte batches while they fit (8 x 120 = 960 of 1,024), then
	   the stash holds one batch and the FIFO 128 more: 1,208 bytes; 1,150 fit */
	fake_terminal_send(2, 1150);
	fake_run(200000);
	FakeUartStats a = fake_uart_stats(2);
	uint32_t overflowA = js.core->overflow;
	js.readsPaused = 0;
	readAll();  /* the gateway reads again */
	fake_run(50000);
	uint64_t receivedA = js.received;
	int mismatchA = js.firstMismatch != UINT64_MAX;
	/* now 3,000 more while reading stays paused: the FIFO overflows */
	js.readsPaused = 1;
	fake_terminal_send(2, 3000);
	fake_run(400000);
	js.readsPaused = 0;
	readAll();
	fake_run(50000);
	FakeUartStats b = fake_uart_stats(2);
	printf("{\"scenario\":\"overflow\",\"a\":{\"bufferFullEvents\":%u,\"overflow\":%u,\"received\":%llu,\"lost\":%llu},"
		"\"b\":{\"fifoOvfEvents\":%u,\"overflow\":%u,\"sent\":%llu,\"received\":%llu,\"lost\":%llu}}\n",
		a.eventsBufferFull, overflowA, (unsigned long long)receivedA, (unsigned long long)a.droppedByFifo,
		b.eventsFifoOvf, js.core->overflow, (unsigned long long)b.sentByTerminal, (unsigned long long)js.received,
		(unsigned long long)b.droppedByFifo);
	CHECK(!mismatchA, "bytes out of order before the FIFO overflowed");
	closeRing();
}

/* ---------- W5500 ---------- */

typedef struct { int connected, disconnected; } EthSeen;
static EthSeen seen;
static void onEvent(void* arg, esp_event_base_t base, int32_t id, void* data)
{
	(void)arg; (void)data;
	if (base == ETH_EVENT && id == ETHERNET_EVENT_CONNECTED) seen.connected++;
	if (base == ETH_EVENT && id == ETHERNET_EVENT_DISCONNECTED) seen.disconnected++;
}

static const W5500Pins pins = {2 /* SPI3_HOST */, 19, 23, 18, 5, 4, 16000000, 3, 16, 8, 0};

/* `answersFrom`: the attempt at which the chip first answers (0: never); `attempts` made. */
static void w5500(int answersFrom, int macNewFailures, int attempts)
{
	W5500Start w;
	int ok = 0, failed = 0, leftAfterFailure = 0;
	fake_w5500_answers_from(answersFrom);
	fake_w5500_mac_new_fails(macNewFailures);
	fake_eth_link(1);
	for (int i = 0; i < attempts && !ok; i++) {
		const char* step = NULL;
		esp_err_t err = w5500Start(&w, &pins, onEvent, NULL, &step);
		if (err == ESP_OK) { ok = 1; break; }
		failed++;
		FakeLive l = fake_live();
		if (l.macs || l.phys || l.ethDrivers || l.netifs || l.glues || l.handlers || l.spiDevices || l.started) leftAfterFailure++;
		fake_run(1000);
	}
	fake_run(1000);
	int connected = seen.connected;
	if (ok) w5500Stop(&w);
	FakeLive l = fake_live();
	const char* log = fake_log_text();
	int logLines = 0;
	for (const char* p = log; (p = strstr(p, "bd450-w5500: start failed")); p++) logLines++;
	printf("{\"scenario\":\"w5500\",\"answersFrom\":%d,\"attempts\":%d,\"failed\":%d,\"started\":%d,\"connected\":%d,"
		"\"aborts\":%d,\"spiBusInits\":%d,\"leftAfterFailure\":%d,\"logLines\":%d,\"leftAtEnd\":%d}\n",
		answersFrom, failed + ok, failed, ok, connected, fake_aborts(), fake_spi_bus_inits(), leftAfterFailure, logLines,
		l.macs + l.phys + l.ethDrivers + l.netifs + l.glues + l.handlers + l.spiDevices + l.started);
	fprintf(stderr, "%s", log);
}

int main(int argc, char** argv)
{
	const char* s = argc > 1 ? argv[1] : "";
	if (!strcmp(s, "stall")) stall(atoi(argv[2]), atoi(argv[3]));
	else if (!strcmp(s, "writable")) writable();
	else if (!strcmp(s, "nearlimit")) nearLimit();
	else if (!strcmp(s, "close")) closeBusy();
	else if (!strcmp(s, "overflow")) overflow();
	else if (!strcmp(s, "w5500-never")) w5500(0, 0, 8);
	else if (!strcmp(s, "w5500-later")) w5500(4, 0, 8);
	else if (!strcmp(s, "w5500-nomem")) w5500(1, 2, 8);
	else { fprintf(stderr, "unknown scenario %s\n", s); return 2; }
	fake_reap();
	return failures ? 1 : 0;
}
