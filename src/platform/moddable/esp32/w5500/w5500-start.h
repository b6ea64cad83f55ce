/*
 * bd450: starting and stopping a W5500 on SPI with ESP-IDF v6.0, without aborting.
 * Used by ethernet-w5500.c (the embedded:network/interface/ethernet of the W5500 boards) and
 * run on the host by hosttest/native-esp32 against a fake of the IDF.
 */
#ifndef BD450_W5500_START_H
#define BD450_W5500_START_H

#include <stdint.h>

#include "esp_err.h"
#include "esp_eth.h"
#include "esp_event.h"
#include "esp_netif.h"
#include "driver/spi_master.h"

typedef struct {
	int spiHost;              /* SPI2_HOST / SPI3_HOST */
	int miso, mosi, sck, cs;
	int intPin;               /* -1: poll every pollMs */
	int hz;
	int dma;                  /* spi_dma_chan_t */
	int commandBits, addressBits;
	uint32_t pollMs;
} W5500Pins;

typedef struct {
	esp_netif_t* netif;
	esp_eth_mac_t* mac;
	esp_eth_phy_t* phy;
	esp_eth_handle_t eth;
	esp_eth_netif_glue_handle_t glue;
	esp_event_handler_instance_t ethEvents, gotIP;
	spi_device_interface_config_t devcfg;  /* the W5500 driver keeps a pointer until it adds the device */
	uint8_t started;
} W5500Start;

/* Starts the chip, its driver and netif; `handler(arg, …)` gets ETH_EVENT and IP_EVENT_ETH_GOT_IP.
   On failure it frees all it made, logs a line and returns the error, naming the step in *step.
   The SPI bus stays initialised between attempts (it is initialised once). Never aborts. */
esp_err_t w5500Start(W5500Start* w, const W5500Pins* pins, esp_event_handler_t handler, void* arg, const char** step);

/* Stops and frees what w5500Start made (also a half-made start). */
void w5500Stop(W5500Start* w);

#endif
