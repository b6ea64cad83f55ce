/* Shared between the fake's files, not seen by the code under test. */
#ifndef FAKE_INTERNAL_H
#define FAKE_INTERNAL_H
#include "fake-idf.h"
extern FakeLive gLive;
void fake_eth_step(void);
#endif
