/*
 * Fake of the ESP-IDF v6.0 Ethernet path for a W5500 on SPI (see fake-eth-api.h), modelled on
 * the IDF sources: spi_bus_initialize on an initialised bus gives ESP_ERR_INVALID_STATE; the
 * W5500 MAC adds an SPI device at creation (removed by its del); esp_eth_driver_install runs the
 * MAC's init, whose chip ID check fails with ESP_ERR_INVALID_VERSION while the chip does not
 * answer; the driver must be stopped before it is uninstalled; the default event loop and the
 * GPIO ISR service exist once. Events are delivered by the simulated event loop (fake_eth_step).
 */
#include <stdlib.h>
#include <string.h>

#include "fake-internal.h"
#include "fake-eth-api.h"

esp_event_base_t const ETH_EVENT = "ETH_EVENT";
esp_event_base_t const IP_EVENT = "IP_EVENT";

static int busReady[SPI_HOST_MAX];
static int busInits;
static int answersFrom;
static int installs;
static int macNewFails;
static int linkUp;
static int eventLoop, isrService;

typedef struct Handler {
	esp_event_base_t base;
	int32_t id;
	esp_event_handler_t fn;
	void *arg;
	struct Handler *next;
} Handler;
static Handler *handlers;

typedef struct { int installed, started, announced; } Driver;
static Driver *running;  /* the started driver, for the link events */

void fake_w5500_answers_from(int n) { answersFrom = n; }
void fake_w5500_mac_new_fails(int n) { macNewFails = n; }
void fake_eth_link(int up) { linkUp = up; }
int fake_spi_bus_inits(void) { return busInits; }

esp_err_t esp_event_loop_create_default(void)
{
	if (eventLoop) return ESP_ERR_INVALID_STATE;
	eventLoop = 1;
	return ESP_OK;
}

esp_err_t esp_event_handler_instance_register(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void *arg, esp_event_handler_instance_t *instance)
{
	if (!eventLoop) return ESP_ERR_INVALID_STATE;
	Handler *h = calloc(1, sizeof(*h));
	h->base = base; h->id = id; h->fn = fn; h->arg = arg;
	h->next = handlers;
	handlers = h;
	gLive.handlers++;
	if (instance) *instance = h;
	return ESP_OK;
}

esp_err_t esp_event_handler_instance_unregister(esp_event_base_t base, int32_t id, esp_event_handler_instance_t instance)
{
	for (Handler **link = &handlers; *link; link = &(*link)->next) {
		if (*link == instance && (*link)->base == base && (*link)->id == id) {
			Handler *h = *link;
			*link = h->next;
			free(h);
			gLive.handlers--;
			return ESP_OK;
		}
	}
	return ESP_ERR_NOT_FOUND;
}

static void dispatch(esp_event_base_t base, int32_t id)
{
	for (Handler *h = handlers; h; h = h->next)
		if (h->base == base && (h->id == ESP_EVENT_ANY_ID || h->id == id)) h->fn(h->arg, base, id, NULL);
}

void fake_eth_step(void)
{
	if (running && running->started && linkUp != running->announced) {
		running->announced = linkUp;
		dispatch(ETH_EVENT, linkUp ? ETHERNET_EVENT_CONNECTED : ETHERNET_EVENT_DISCONNECTED);
	}
}

struct esp_netif_obj { int attached; };
esp_err_t esp_netif_init(void) { return ESP_OK; }
esp_netif_t *esp_netif_new(const esp_netif_config_t *config)
{
	(void)config;
	gLive.netifs++;
	return calloc(1, sizeof(esp_netif_t));
}
void esp_netif_destroy(esp_netif_t *netif)
{
	if (!netif) return;
	gLive.netifs--;
	free(netif);
}
esp_err_t esp_netif_attach(esp_netif_t *netif, esp_netif_iodriver_handle driver)
{
	if (!netif || !driver) return ESP_ERR_INVALID_ARG;
	netif->attached = 1;
	return ESP_OK;
}

esp_err_t esp_read_mac(uint8_t *mac, esp_mac_type_t type)
{
	static const uint8_t eth[6] = {0x02, 0xbd, 0x45, 0x00, 0x00, 0x01};
	(void)type;
	memcpy(mac, eth, 6);
	return ESP_OK;
}

esp_err_t gpio_install_isr_service(int flags)
{
	(void)flags;
	if (isrService) return ESP_ERR_INVALID_STATE;
	isrService = 1;
	return ESP_OK;
}

esp_err_t spi_bus_initialize(spi_host_device_t host, const spi_bus_config_t *bus, spi_dma_chan_t dma)
{
	(void)bus; (void)dma;
	if (host <= SPI1_HOST || host >= SPI_HOST_MAX) return ESP_ERR_INVALID_ARG;
	if (busReady[host]) return ESP_ERR_INVALID_STATE;
	busReady[host] = 1;
	busInits++;
	gLive.spiBuses++;
	return ESP_OK;
}

esp_err_t spi_bus_free(spi_host_device_t host)
{
	if (!busReady[host] || gLive.spiDevices) return ESP_ERR_INVALID_STATE;
	busReady[host] = 0;
	gLive.spiBuses--;
	return ESP_OK;
}

typedef struct { esp_eth_mac_t base; uint8_t addr[6]; } Mac;
static esp_err_t macSetAddr(esp_eth_mac_t *mac, uint8_t *addr) { memcpy(((Mac *)mac)->addr, addr, 6); return ESP_OK; }
static esp_err_t macDel(esp_eth_mac_t *mac) { free(mac); gLive.macs--; gLive.spiDevices--; return ESP_OK; }
static esp_err_t phyDel(esp_eth_phy_t *phy) { free(phy); gLive.phys--; return ESP_OK; }

esp_eth_mac_t *esp_eth_mac_new_w5500(const eth_w5500_config_t *config, const eth_mac_config_t *macConfig)
{
	(void)macConfig;
	if (macNewFails > 0) { macNewFails--; return NULL; }
	if (!config || !config->spi_devcfg || !busReady[config->spi_host_id]) return NULL;  /* spi_bus_add_device fails */
	Mac *m = calloc(1, sizeof(*m));
	m->base.set_addr = macSetAddr;
	m->base.del = macDel;
	gLive.macs++;
	gLive.spiDevices++;
	return &m->base;
}

esp_eth_phy_t *esp_eth_phy_new_w5500(const eth_phy_config_t *config)
{
	(void)config;
	esp_eth_phy_t *p = calloc(1, sizeof(*p));
	p->del = phyDel;
	gLive.phys++;
	return p;
}

esp_err_t esp_eth_driver_install(const esp_eth_config_t *config, esp_eth_handle_t *out)
{
	if (!config || !config->mac || !config->phy || !out) return ESP_ERR_INVALID_ARG;
	installs++;
	if (!answersFrom || installs < answersFrom) return ESP_ERR_INVALID_VERSION;  /* w5500_verify_id */
	Driver *d = calloc(1, sizeof(*d));
	d->installed = 1;
	gLive.ethDrivers++;
	*out = d;
	return ESP_OK;
}

esp_err_t esp_eth_driver_uninstall(esp_eth_handle_t hdl)
{
	Driver *d = hdl;
	if (!d) return ESP_ERR_INVALID_ARG;
	if (d->started) return ESP_ERR_INVALID_STATE;
	free(d);
	gLive.ethDrivers--;
	return ESP_OK;
}

esp_err_t esp_eth_start(esp_eth_handle_t hdl)
{
	Driver *d = hdl;
	if (!d) return ESP_ERR_INVALID_ARG;
	d->started = 1;
	d->announced = 0;
	running = d;
	gLive.started++;
	return ESP_OK;
}

esp_err_t esp_eth_stop(esp_eth_handle_t hdl)
{
	Driver *d = hdl;
	if (!d || !d->started) return ESP_ERR_INVALID_STATE;
	d->started = 0;
	if (running == d) running = NULL;
	gLive.started--;
	return ESP_OK;
}

struct esp_eth_netif_glue_t { esp_eth_handle_t eth; };
esp_eth_netif_glue_handle_t esp_eth_new_netif_glue(esp_eth_handle_t eth)
{
	if (!eth) return NULL;
	struct esp_eth_netif_glue_t *g = calloc(1, sizeof(*g));
	g->eth = eth;
	gLive.glues++;
	return g;
}

esp_err_t esp_eth_del_netif_glue(esp_eth_netif_glue_handle_t glue)
{
	free(glue);
	gLive.glues--;
	return ESP_OK;
}
