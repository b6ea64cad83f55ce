/*
 * bd450: the SPI Ethernet hooks that Moddable's ECMA-419 Ethernet for ESP32
 * (modules/io/ethernet/esp32/ethernet-esp32.c) includes as "ethernet.h" and calls when
 * no internal PHY is configured: mod_ethernet_get_mac(devcfg, interrupt pin) and
 * mod_ethernet_get_phy(). Implemented for the W5500 in w5500-eth.c.
 */
#ifndef BD450_ETHERNET_H
#define BD450_ETHERNET_H

#include "esp_eth.h"
#include "driver/spi_master.h"

esp_eth_mac_t *mod_ethernet_get_mac(spi_device_interface_config_t spi_devcfg, int interrupt_pin);
esp_eth_phy_t *mod_ethernet_get_phy(void);

#endif
