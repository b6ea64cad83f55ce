/* Fake of ESP-IDF v6.0 esp_err.h for host tests (hosttest/native-esp32): the codes used. */
#ifndef FAKE_ESP_ERR_H
#define FAKE_ESP_ERR_H
#include <stdint.h>
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERR_INVALID_STATE 0x103
#define ESP_ERR_INVALID_SIZE 0x104
#define ESP_ERR_NOT_FOUND 0x105
#define ESP_ERR_NOT_SUPPORTED 0x106
#define ESP_ERR_TIMEOUT 0x107
#define ESP_ERR_INVALID_RESPONSE 0x108
#define ESP_ERR_INVALID_VERSION 0x10A
const char *esp_err_to_name(esp_err_t code);
/* IDF aborts here; the fake records it and ends the test run with exit code 134. */
void fake_abort(const char *what, esp_err_t err);
#define ESP_ERROR_CHECK(x) do { esp_err_t err_rc_ = (x); if (err_rc_ != ESP_OK) fake_abort(#x, err_rc_); } while (0)
#endif
