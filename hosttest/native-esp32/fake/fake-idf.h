/*
 * The test's handle on the fake ESP-IDF (fake-idf.c): simulated time, the terminal at the
 * other end of the UART, flash-write stalls, what leaked, what blocked.
 *
 * Time is simulated in microseconds and advances only in fake_run / blocking calls of the XS
 * task (the test's main thread). FreeRTOS tasks are coroutines run by a deterministic
 * scheduler: no threads, no sleeps, the same result every run.
 */
#ifndef FAKE_IDF_H
#define FAKE_IDF_H
#include <stdint.h>
#include <stddef.h>

/* CONFIG_UART_ISR_IN_IRAM of the image under test: with it the UART interrupt runs during flash writes. */
extern int fake_config_uart_isr_in_iram;

/* XS task idle: deliver posted messages through this hook (set by the test), run for `us`. */
typedef void (*FakeIdle)(void);
extern FakeIdle fake_xs_idle;
void fake_run(uint64_t us);
/* Run until cond() (checked each microsecond) or `us` passed; returns 1 when cond() held. */
int fake_run_until(int (*cond)(void), uint64_t us);
uint64_t fake_now_us(void);

/* The XS task writes flash for `us` (an NVS save): caches off, tasks stop, only IRAM interrupts run. */
void fake_flash_write(uint64_t us);

/* The terminal: sends `count` bytes of the test pattern back to back (more calls append). */
void fake_terminal_send(int port, uint64_t count);
uint8_t fake_pattern(uint64_t index);
/* What the terminal received from the board so far. */
const uint8_t *fake_terminal_received(int port, size_t *length);

typedef struct {
	uint64_t sentByTerminal;      /* bytes put on the line */
	uint64_t droppedByFifo;       /* bytes the hardware FIFO or its reset lost */
	uint32_t eventsData, eventsBufferFull, eventsFifoOvf, eventsDropped;  /* what the ISR queued (and could not) */
	uint32_t isrDeferredUs;       /* microseconds an interrupt was due but could not run */
} FakeUartStats;
FakeUartStats fake_uart_stats(int port);

/* Resources alive now (queues incl. semaphores, tasks not yet reaped, installed UART drivers). */
typedef struct {
	int queues, tasks, drivers, spiBuses, spiDevices, macs, phys, ethDrivers, netifs, glues, handlers, started;
} FakeLive;
FakeLive fake_live(void);
/* Microseconds the XS task spent inside a blocking IDF call (should be 0 for write/read). */
uint64_t fake_xs_blocked_us(void);
/* Tasks deleted by another task or the XS task (a task must end itself). */
int fake_foreign_deletes(void);
/* Frees dead tasks' stacks; call before the end. */
void fake_reap(void);

/* Log lines (ESP_LOGx) so far, newline separated. */
const char *fake_log_text(void);
/* ESP_ERROR_CHECK failures so far (IDF would have aborted and rebooted). */
int fake_aborts(void);

/* W5500 on SPI: answers its ID check from attempt `n` of driver installs on (0 = never). */
void fake_w5500_answers_from(int n);
/* esp_eth_mac_new_w5500 returns NULL (no memory) on the next `n` calls. */
void fake_w5500_mac_new_fails(int n);
/* The cable: link up (ETHERNET_EVENT_CONNECTED to the handlers) once a driver is started. */
void fake_eth_link(int up);
int fake_spi_bus_inits(void);

#endif
