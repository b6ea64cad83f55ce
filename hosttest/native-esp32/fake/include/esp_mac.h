/* Fake (hosttest/native-esp32): see fake-eth-api.h. */
#include "fake-eth-api.h"
