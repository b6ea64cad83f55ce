/* Fake of ESP-IDF v6.0 esp_log.h: log lines go to the fake's log (fake-idf.h fake_log_lines). */
#ifndef FAKE_ESP_LOG_H
#define FAKE_ESP_LOG_H
void fake_log(char level, const char *tag, const char *format, ...) __attribute__((format(printf, 3, 4)));
#define ESP_LOGE(tag, ...) fake_log('E', tag, __VA_ARGS__)
#define ESP_LOGW(tag, ...) fake_log('W', tag, __VA_ARGS__)
#define ESP_LOGI(tag, ...) fake_log('I', tag, __VA_ARGS__)
#endif
