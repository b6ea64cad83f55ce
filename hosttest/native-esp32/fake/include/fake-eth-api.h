/* Fake of the ESP-IDF v6.0 Ethernet, SPI, GPIO, netif and event calls the W5500 start path makes
   (esp_eth, esp_driver_spi, esp_driver_gpio, esp_netif, esp_event, esp_hw_support, espressif/w5500
   1.0.1), same signatures; only the fields the project touches are in the structs. */
#ifndef FAKE_ETH_API_H
#define FAKE_ETH_API_H
#include <stdint.h>
#include <stdbool.h>
#include "esp_err.h"

/* esp_event */
typedef const char *esp_event_base_t;
typedef void *esp_event_handler_instance_t;
typedef void (*esp_event_handler_t)(void *event_handler_arg, esp_event_base_t event_base, int32_t event_id, void *event_data);
#define ESP_EVENT_ANY_ID -1
extern esp_event_base_t const ETH_EVENT;
extern esp_event_base_t const IP_EVENT;
typedef enum { ETHERNET_EVENT_START, ETHERNET_EVENT_STOP, ETHERNET_EVENT_CONNECTED, ETHERNET_EVENT_DISCONNECTED } eth_event_t;
typedef enum { IP_EVENT_STA_GOT_IP, IP_EVENT_STA_LOST_IP, IP_EVENT_AP_STAIPASSIGNED, IP_EVENT_GOT_IP6, IP_EVENT_ETH_GOT_IP, IP_EVENT_ETH_LOST_IP } ip_event_t;
esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id, esp_event_handler_t event_handler, void *event_handler_arg, esp_event_handler_instance_t *instance);
esp_err_t esp_event_handler_instance_unregister(esp_event_base_t event_base, int32_t event_id, esp_event_handler_instance_t instance);

/* esp_netif */
typedef struct esp_netif_obj esp_netif_t;
typedef void *esp_netif_iodriver_handle;
typedef struct { const void *base; const void *driver; const void *stack; } esp_netif_config_t;
#define ESP_NETIF_DEFAULT_ETH() { .base = "eth", .driver = NULL, .stack = "lwip" }
esp_err_t esp_netif_init(void);
esp_netif_t *esp_netif_new(const esp_netif_config_t *esp_netif_config);
void esp_netif_destroy(esp_netif_t *esp_netif);
esp_err_t esp_netif_attach(esp_netif_t *esp_netif, esp_netif_iodriver_handle driver_handle);

/* esp_mac */
typedef enum { ESP_MAC_WIFI_STA, ESP_MAC_WIFI_SOFTAP, ESP_MAC_BT, ESP_MAC_ETH } esp_mac_type_t;
esp_err_t esp_read_mac(uint8_t *mac, esp_mac_type_t type);

/* GPIO */
esp_err_t gpio_install_isr_service(int intr_alloc_flags);

/* SPI master */
typedef enum { SPI1_HOST = 0, SPI2_HOST = 1, SPI3_HOST = 2, SPI_HOST_MAX } spi_host_device_t;
typedef enum { SPI_DMA_DISABLED = 0, SPI_DMA_CH1 = 1, SPI_DMA_CH2 = 2, SPI_DMA_CH_AUTO = 3 } spi_dma_chan_t;
typedef struct { int mosi_io_num; int miso_io_num; int sclk_io_num; int quadwp_io_num; int quadhd_io_num; int max_transfer_sz; uint32_t flags; } spi_bus_config_t;
typedef struct { uint8_t command_bits; uint8_t address_bits; uint8_t dummy_bits; uint8_t mode; int clock_speed_hz; int spics_io_num; uint32_t flags; int queue_size; } spi_device_interface_config_t;
esp_err_t spi_bus_initialize(spi_host_device_t host_id, const spi_bus_config_t *bus_config, spi_dma_chan_t dma_chan);
esp_err_t spi_bus_free(spi_host_device_t host_id);

/* esp_eth */
typedef struct esp_eth_mac_s esp_eth_mac_t;
typedef struct esp_eth_phy_s esp_eth_phy_t;
struct esp_eth_mac_s {
	esp_err_t (*set_addr)(esp_eth_mac_t *mac, uint8_t *addr);
	esp_err_t (*del)(esp_eth_mac_t *mac);
};
struct esp_eth_phy_s {
	esp_err_t (*del)(esp_eth_phy_t *phy);
};
typedef void *esp_eth_handle_t;
typedef struct esp_eth_netif_glue_t *esp_eth_netif_glue_handle_t;
typedef struct { uint32_t sw_reset_timeout_ms; uint32_t rx_task_stack_size; uint32_t rx_task_prio; uint32_t flags; } eth_mac_config_t;
#define ETH_MAC_DEFAULT_CONFIG() { .sw_reset_timeout_ms = 100, .rx_task_stack_size = 4096, .rx_task_prio = 15, .flags = 0 }
typedef struct { int32_t phy_addr; uint32_t reset_timeout_ms; uint32_t autonego_timeout_ms; int reset_gpio_num; int32_t hw_reset_assert_time_us; int32_t post_hw_reset_delay_ms; } eth_phy_config_t;
#define ETH_PHY_DEFAULT_CONFIG() { .phy_addr = -1, .reset_timeout_ms = 100, .autonego_timeout_ms = 4000, .reset_gpio_num = 5, .hw_reset_assert_time_us = 0, .post_hw_reset_delay_ms = 0 }
typedef struct { esp_eth_mac_t *mac; esp_eth_phy_t *phy; uint32_t check_link_period_ms; void *stack_input; void *stack_input_info; void *on_lowlevel_init_done; void *on_lowlevel_deinit_done; void *read_phy_reg; void *write_phy_reg; } esp_eth_config_t;
#define ETH_DEFAULT_CONFIG(emac, ephy) { .mac = emac, .phy = ephy, .check_link_period_ms = 2000, .stack_input = NULL, .stack_input_info = NULL, .on_lowlevel_init_done = NULL, .on_lowlevel_deinit_done = NULL, .read_phy_reg = NULL, .write_phy_reg = NULL }
esp_err_t esp_eth_driver_install(const esp_eth_config_t *config, esp_eth_handle_t *out_hdl);
esp_err_t esp_eth_driver_uninstall(esp_eth_handle_t hdl);
esp_err_t esp_eth_start(esp_eth_handle_t hdl);
esp_err_t esp_eth_stop(esp_eth_handle_t hdl);
esp_eth_netif_glue_handle_t esp_eth_new_netif_glue(esp_eth_handle_t eth_hdl);
esp_err_t esp_eth_del_netif_glue(esp_eth_netif_glue_handle_t eth_netif_glue);

/* espressif/w5500 1.0.1 */
typedef struct { void *init; void *deinit; void *read; void *write; void *config; } eth_spi_custom_driver_config_t;
#define ETH_DEFAULT_SPI { .init = NULL, .deinit = NULL, .read = NULL, .write = NULL, .config = NULL }
typedef struct { int int_gpio_num; uint32_t poll_period_ms; spi_host_device_t spi_host_id; spi_device_interface_config_t *spi_devcfg; eth_spi_custom_driver_config_t custom_spi_driver; } eth_w5500_config_t;
#define ETH_W5500_DEFAULT_CONFIG(spi_host, spi_devcfg_p) { .int_gpio_num = 4, .poll_period_ms = 0, .spi_host_id = spi_host, .spi_devcfg = spi_devcfg_p, .custom_spi_driver = ETH_DEFAULT_SPI }
esp_eth_mac_t *esp_eth_mac_new_w5500(const eth_w5500_config_t *w5500_config, const eth_mac_config_t *mac_config);
esp_eth_phy_t *esp_eth_phy_new_w5500(const eth_phy_config_t *config);
#endif
