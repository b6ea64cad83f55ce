/*
 * bd450: W5500 start path for ESP-IDF v6.0 (contract: w5500-start.h).
 *
 * Why not Moddable's modules/io/ethernet/esp32/ethernet-esp32.c for the W5500: when the chip
 * fails its ID check the driver install fails, and the next attempt calls
 * ESP_ERROR_CHECK(spi_bus_initialize(...)) on a bus already initialised -> ESP_ERR_INVALID_STATE
 * -> abort -> reboot loop; and a NULL MAC (no memory) is deleted through mac->del(NULL). Here the
 * bus is initialised once (ESP_ERR_INVALID_STATE taken as "already"), every result is checked,
 * a failed attempt frees what it made, and the caller retries with back-off (link.ts).
 */
#include "w5500-start.h"

#include <string.h>

#include "driver/gpio.h"
#include "esp_eth_mac_w5500.h"
#include "esp_eth_phy_w5500.h"
#include "esp_log.h"
#include "esp_mac.h"

static const char* TAG = "bd450-w5500";
static uint8_t gBusReady;

static esp_err_t already(esp_err_t err)
{
	return err == ESP_ERR_INVALID_STATE ? ESP_OK : err;
}

void w5500Stop(W5500Start* w)
{
	if (w->started) esp_eth_stop(w->eth);
	if (w->gotIP) esp_event_handler_instance_unregister(IP_EVENT, IP_EVENT_ETH_GOT_IP, w->gotIP);
	if (w->ethEvents) esp_event_handler_instance_unregister(ETH_EVENT, ESP_EVENT_ANY_ID, w->ethEvents);
	if (w->glue) esp_eth_del_netif_glue(w->glue);
	if (w->netif) esp_netif_destroy(w->netif);
	if (w->eth) esp_eth_driver_uninstall(w->eth);
	/* The driver does not own mac and phy: deleted here (the MAC's del also removes its SPI device). */
	if (w->mac) w->mac->del(w->mac);
	if (w->phy) w->phy->del(w->phy);
	memset(w, 0, sizeof(*w));
}

esp_err_t w5500Start(W5500Start* w, const W5500Pins* p, esp_event_handler_t handler, void* arg, const char** step)
{
	esp_err_t err;
	memset(w, 0, sizeof(*w));

#define STEP(name, call) do { *step = name; err = (call); if (err != ESP_OK) goto fail; } while (0)
	STEP("netif init", already(esp_netif_init()));
	STEP("event loop", already(esp_event_loop_create_default()));
	if (p->intPin >= 0) STEP("gpio isr service", already(gpio_install_isr_service(0)));
	if (!gBusReady) {
		spi_bus_config_t bus;
		memset(&bus, 0, sizeof(bus));
		bus.miso_io_num = p->miso;
		bus.mosi_io_num = p->mosi;
		bus.sclk_io_num = p->sck;
		bus.quadwp_io_num = -1;
		bus.quadhd_io_num = -1;
		STEP("spi bus", already(spi_bus_initialize((spi_host_device_t)p->spiHost, &bus, (spi_dma_chan_t)p->dma)));
		gBusReady = 1;
	}

	w->devcfg.command_bits = (uint8_t)p->commandBits;
	w->devcfg.address_bits = (uint8_t)p->addressBits;
	w->devcfg.mode = 0;
	w->devcfg.clock_speed_hz = p->hz;
	w->devcfg.spics_io_num = p->cs;
	w->devcfg.queue_size = 20;
	eth_w5500_config_t chip = ETH_W5500_DEFAULT_CONFIG((spi_host_device_t)p->spiHost, &w->devcfg);
	chip.int_gpio_num = p->intPin;
	chip.poll_period_ms = p->intPin < 0 ? (p->pollMs ? p->pollMs : 10) : 0;
	eth_mac_config_t macConfig = ETH_MAC_DEFAULT_CONFIG();
	*step = "mac";
	w->mac = esp_eth_mac_new_w5500(&chip, &macConfig);
	if (!w->mac) { err = ESP_ERR_NO_MEM; goto fail; }
	eth_phy_config_t phyConfig = ETH_PHY_DEFAULT_CONFIG();
	phyConfig.reset_gpio_num = -1;
	*step = "phy";
	w->phy = esp_eth_phy_new_w5500(&phyConfig);
	if (!w->phy) { err = ESP_ERR_NO_MEM; goto fail; }

	esp_eth_config_t config = ETH_DEFAULT_CONFIG(w->mac, w->phy);
	/* Here a chip that does not answer fails (W5500 ID check in the MAC's init). */
	STEP("driver install (chip not answering?)", esp_eth_driver_install(&config, &w->eth));

	uint8_t mac[6];
	STEP("read mac", esp_read_mac(mac, ESP_MAC_ETH));
	STEP("set mac", w->mac->set_addr(w->mac, mac));

	esp_netif_config_t netifConfig = ESP_NETIF_DEFAULT_ETH();
	*step = "netif";
	w->netif = esp_netif_new(&netifConfig);
	if (!w->netif) { err = ESP_ERR_NO_MEM; goto fail; }
	*step = "netif glue";
	w->glue = esp_eth_new_netif_glue(w->eth);
	if (!w->glue) { err = ESP_ERR_NO_MEM; goto fail; }
	STEP("netif attach", esp_netif_attach(w->netif, w->glue));
	STEP("events", esp_event_handler_instance_register(ETH_EVENT, ESP_EVENT_ANY_ID, handler, arg, &w->ethEvents));
	STEP("events", esp_event_handler_instance_register(IP_EVENT, IP_EVENT_ETH_GOT_IP, handler, arg, &w->gotIP));
	STEP("start", esp_eth_start(w->eth));
	w->started = 1;
	*step = NULL;
	return ESP_OK;
#undef STEP

fail:
	ESP_LOGW(TAG, "start failed at %s: %s", *step, esp_err_to_name(err));
	w5500Stop(w);
	return err;
}
