/*
 * bd450: W5500 MAC and PHY for the ECMA-419 Ethernet on ESP-IDF v6.0.
 *
 * IDF v6 removed the W5500 driver from its esp_eth component; it is the component
 * espressif/w5500 of the ESP Component Registry (esp-eth-drivers, idf >= 6.0), declared
 * in manifest.json as { "name": "w5500", "version": "^1.0.0" } the way Moddable declares
 * registry components (modules/network/ethernet/manifest.json: enc28j60). Moddable's own
 * modules/network/ethernet/esp32/drivers/w5500/w5500_api.c calls esp_eth_mac_new_w5500 /
 * esp_eth_phy_new_w5500 without that component (its manifest.json_w5500 declares none) and
 * without its headers esp_eth_mac_w5500.h / esp_eth_phy_w5500.h, where IDF v6 declares them.
 *
 * Pins and clock come from defines.ethernet in manifest.json (MODDEF_ETHERNET_*).
 * NOT compiled here (no ESP-IDF on the build machine): see docs/flashing.md.
 */

#include "mc.defines.h"
#include "ethernet.h"
#include "esp_eth_mac_w5500.h"
#include "esp_eth_phy_w5500.h"

#ifndef MODDEF_ETHERNET_SPI_POLLING_MS
#define MODDEF_ETHERNET_SPI_POLLING_MS (0)
#endif

static spi_device_interface_config_t gDevcfg;

esp_eth_mac_t *mod_ethernet_get_mac(spi_device_interface_config_t spi_devcfg, int interrupt_pin)
{
	gDevcfg = spi_devcfg; /* the driver keeps the pointer until it adds the SPI device */
	eth_w5500_config_t config = ETH_W5500_DEFAULT_CONFIG(MODDEF_ETHERNET_SPI_PORT, &gDevcfg);
	config.int_gpio_num = interrupt_pin;
	if (interrupt_pin < 0)
		config.poll_period_ms = MODDEF_ETHERNET_SPI_POLLING_MS ? MODDEF_ETHERNET_SPI_POLLING_MS : 10;
	eth_mac_config_t mac_config = ETH_MAC_DEFAULT_CONFIG();
	return esp_eth_mac_new_w5500(&config, &mac_config);
}

esp_eth_phy_t *mod_ethernet_get_phy(void)
{
	eth_phy_config_t phy_config = ETH_PHY_DEFAULT_CONFIG();
	phy_config.reset_gpio_num = -1;
	return esp_eth_phy_new_w5500(&phy_config);
}
