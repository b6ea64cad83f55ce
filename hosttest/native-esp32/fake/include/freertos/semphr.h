#ifndef FAKE_FREERTOS_SEMPHR_H
#define FAKE_FREERTOS_SEMPHR_H
#include "freertos/queue.h"
typedef QueueHandle_t SemaphoreHandle_t;
#define xSemaphoreCreateBinary() xQueueGenericCreate((UBaseType_t)1, 0, queueQUEUE_TYPE_BINARY_SEMAPHORE)
#define xSemaphoreTake(xSemaphore, xBlockTime) xQueueSemaphoreTake((xSemaphore), (xBlockTime))
#define xSemaphoreGive(xSemaphore) xQueueGenericSend((QueueHandle_t)(xSemaphore), NULL, 0, queueSEND_TO_BACK)
#define vSemaphoreDelete(xSemaphore) vQueueDelete((QueueHandle_t)(xSemaphore))
#endif
