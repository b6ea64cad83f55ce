/* CoreMark port functions for the RV32 count: see core_portme.h. */
#include "coremark.h"

/* The performance run's seeds (0, 0, 0x66), read through volatiles as CoreMark asks. */
volatile ee_s32 seed1_volatile = 0x0;
volatile ee_s32 seed2_volatile = 0x0;
volatile ee_s32 seed3_volatile = 0x66;
volatile ee_s32 seed4_volatile = ITERATIONS;
volatile ee_s32 seed5_volatile = 0;

ee_u32 default_num_contexts = 1;

static ee_u32 instret(void)
{
	ee_u32 lo;
	__asm__ volatile("csrr %0, minstret" : "=r"(lo));
	return lo;
}

static CORETIMETYPE start_time_val, stop_time_val;

void start_time(void)
{
	start_time_val = instret();
}

void stop_time(void)
{
	stop_time_val = instret();
}

CORE_TICKS get_time(void)
{
	return stop_time_val - start_time_val;
}

/* CoreMark divides ticks by this to get seconds: one "second" per instruction keeps the count whole. */
secs_ret time_in_secs(CORE_TICKS ticks)
{
	return (secs_ret)ticks;
}

void portable_init(core_portable *p, int *argc, char *argv[])
{
	(void)argc;
	(void)argv;
	p->portable_id = 1;
}

void portable_fini(core_portable *p)
{
	p->portable_id = 0;
}
