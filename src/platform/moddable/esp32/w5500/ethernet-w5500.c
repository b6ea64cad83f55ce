/*
 * bd450: embedded:network/interface/ethernet for the W5500 boards (ECMA-419 shape, the part
 * link.ts uses: onChanged, configure, connect, close, connection, address), in place of Moddable's
 * modules/io/ethernet/esp32/ethernet-esp32.c, whose start path aborts when the chip does not answer
 * (see w5500-start.c). The constructor throws when the start fails (which step, which error) after
 * freeing what it made; link.ts retries with back-off, so a chip that appears later brings the
 * link up. One instance at a time (link.ts makes one).
 */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "mc.defines.h"
#include "builtinCommon.h"

#include "w5500-start.h"

#ifndef MODDEF_ETHERNET_SPI_COMMAND_BITS
#define MODDEF_ETHERNET_SPI_COMMAND_BITS (16)
#endif
#ifndef MODDEF_ETHERNET_SPI_ADDRESS_BITS
#define MODDEF_ETHERNET_SPI_ADDRESS_BITS (8)
#endif
#ifndef MODDEF_ETHERNET_SPI_POLLING_MS
#define MODDEF_ETHERNET_SPI_POLLING_MS (0)
#endif
#ifndef MODDEF_ETHERNET_SPI_DMA_CH
#define MODDEF_ETHERNET_SPI_DMA_CH (SPI_DMA_CH_AUTO)
#endif
#ifndef MODDEF_ETHERNET_INT_PIN
#define MODDEF_ETHERNET_INT_PIN (-1)
#endif

typedef struct {
	xsMachine* the;
	xsSlot obj;
	xsSlot* onChanged;
	uint32_t useCount;                 /* the instance + messages posted (atomic) */
	uint8_t closed;
	uint8_t connected;
	uint8_t connecting;                /* DHCP asked, no address yet */
	uint8_t gotIP;
	W5500Start w;
} EthRecord;

static EthRecord* gEth;

static void release(EthRecord* e)
{
	if (__atomic_sub_fetch(&e->useCount, 1, __ATOMIC_SEQ_CST) == 0) c_free(e);
}

static void ethDeliver(void* the, void* refcon, uint8_t* message, uint16_t length)
{
	EthRecord* e = refcon;
	int32_t id;
	c_memcpy(&id, message, sizeof(id));
	if (!e->closed) {
		uint8_t connected = e->connected, gotIP = e->gotIP;
		if (id == ETHERNET_EVENT_CONNECTED) e->connected = 1;
		else if (id == ETHERNET_EVENT_DISCONNECTED) e->connected = e->gotIP = e->connecting = 0;
		else if (id == -IP_EVENT_ETH_GOT_IP) { e->gotIP = 1; e->connecting = 0; }
		if ((connected != e->connected || gotIP != e->gotIP) && e->onChanged) {
			xsBeginHost(the);
			xsmcVars(1);
			xsmcSetString(xsVar(0), "connection");
			xsCallFunction1(xsReference(e->onChanged), e->obj, xsVar(0));
			xsEndHost(the);
		}
	}
	release(e);
}

/* Event loop task: IP events are posted with negative ids (ETH and IP ids overlap). */
static void onEvent(void* arg, esp_event_base_t base, int32_t id, void* data)
{
	EthRecord* e = arg;
	if (base == IP_EVENT) id = -id;
	else if (id != ETHERNET_EVENT_CONNECTED && id != ETHERNET_EVENT_DISCONNECTED) return;
	__atomic_add_fetch(&e->useCount, 1, __ATOMIC_SEQ_CST);
	if (modMessagePostToMachine(e->the, (uint8_t*)&id, sizeof(id), ethDeliver, e)) release(e);
}

static void ethClose(EthRecord* e)
{
	if (e->closed) return;
	e->closed = 1;
	w5500Stop(&e->w);  /* unregisters the handlers first: nothing posts after this */
	if (gEth == e) gEth = NULL;
}

void xs_bd450_w5500_destructor(void* data)
{
	EthRecord* e = data;
	if (!e) return;
	ethClose(e);
	release(e);
}

static void xs_bd450_w5500_mark(xsMachine* the, void* it, xsMarkRoot markRoot)
{
	EthRecord* e = it;
	if (e->onChanged) (*markRoot)(the, e->onChanged);
}

static const xsHostHooks gHooks = { xs_bd450_w5500_destructor, xs_bd450_w5500_mark, NULL };

void xs_bd450_w5500(xsMachine* the)
{
	static const W5500Pins pins = {
		MODDEF_ETHERNET_SPI_PORT, MODDEF_ETHERNET_SPI_MISO_PIN, MODDEF_ETHERNET_SPI_MOSI_PIN, MODDEF_ETHERNET_SPI_SCK_PIN,
		MODDEF_ETHERNET_SPI_CS_PIN, MODDEF_ETHERNET_INT_PIN, MODDEF_ETHERNET_HZ, MODDEF_ETHERNET_SPI_DMA_CH,
		MODDEF_ETHERNET_SPI_COMMAND_BITS, MODDEF_ETHERNET_SPI_ADDRESS_BITS, MODDEF_ETHERNET_SPI_POLLING_MS
	};
	const char* step = NULL;
	esp_err_t err;
	EthRecord* e;
	if (gEth) xsUnknownError("in use");
	e = c_calloc(1, sizeof(EthRecord));
	if (!e) xsUnknownError("no memory");
	e->the = the;
	e->obj = xsThis;
	e->useCount = 1;
	err = w5500Start(&e->w, &pins, onEvent, e, &step);
	if (err != ESP_OK) {
		c_free(e);
		xsUnknownError("W5500 start failed at %s: %s", step ? step : "?", esp_err_to_name(err));
	}
	e->onChanged = builtinGetCallback(the, xsID_onChanged);
	gEth = e;
	xsmcSetHostData(xsThis, e);
	xsSetHostHooks(xsThis, &gHooks);
	xsRemember(e->obj);
}

static EthRecord* ethOf(xsMachine* the)
{
	EthRecord* e = xsmcGetHostDataValidate(xsThis, (void*)&gHooks);
	if (e->closed) xsUnknownError("closed");
	return e;
}

void xs_bd450_w5500_close(xsMachine* the)
{
	EthRecord* e = xsmcGetHostData(xsThis);
	if (!e) return;
	xsmcGetHostDataValidate(xsThis, (void*)&gHooks);
	xsForget(e->obj);
	xsmcSetHostData(xsThis, NULL);
	xsSetHostDestructor(xsThis, NULL);
	xs_bd450_w5500_destructor(e);
}

/* configure({ static: { address, mask, gateway } | false }) */
void xs_bd450_w5500_configure(xsMachine* the)
{
	EthRecord* e = ethOf(the);
	esp_netif_ip_info_t info;
	xsmcVars(2);
	if (!xsmcHas(xsArg(0), xsID_static)) return;
	xsmcGet(xsVar(0), xsArg(0), xsID_static);
	c_memset(&info, 0, sizeof(info));
	if (xsmcTest(xsVar(0))) {
		xsmcGet(xsVar(1), xsVar(0), xsID_address);
		if (esp_netif_str_to_ip4(xsmcToString(xsVar(1)), &info.ip) != ESP_OK) xsRangeError("invalid address");
		xsmcGet(xsVar(1), xsVar(0), xsID_mask);
		if (esp_netif_str_to_ip4(xsmcToString(xsVar(1)), &info.netmask) != ESP_OK) xsRangeError("invalid mask");
		xsmcGet(xsVar(1), xsVar(0), xsID_gateway);
		if (esp_netif_str_to_ip4(xsmcToString(xsVar(1)), &info.gw) != ESP_OK) xsRangeError("invalid gateway");
		esp_netif_dhcpc_stop(e->w.netif);
		if (esp_netif_set_ip_info(e->w.netif, &info) != ESP_OK) xsUnknownError("set IP failed");
		e->connecting = 0;
		e->gotIP = 1;  /* a static address needs no event to be usable */
	}
	else {
		esp_netif_set_ip_info(e->w.netif, &info);
		e->gotIP = 0;
		e->connecting = esp_netif_dhcpc_start(e->w.netif) == ESP_OK;
	}
}

void xs_bd450_w5500_connect(xsMachine* the)
{
	EthRecord* e = ethOf(the);
	esp_netif_dhcp_status_t status;
	if (e->gotIP) return;
	if (esp_netif_dhcpc_get_status(e->w.netif, &status) == ESP_OK && status != ESP_NETIF_DHCP_STARTED)
		e->connecting = esp_netif_dhcpc_start(e->w.netif) == ESP_OK;
	else
		e->connecting = 1;
}

/* ECMA-419 connection codes as ethernet-esp32.c gives them (link.ts reads 400 and 500). */
void xs_bd450_w5500_connection_get(xsMachine* the)
{
	EthRecord* e = ethOf(the);
	int connection = 200;
	if (e->connected && e->gotIP) connection = 500;
	else if (e->connecting) connection = 300;
	else if (e->connected) connection = 400;
	xsmcSetInteger(xsResult, connection);
}

void xs_bd450_w5500_address_get(xsMachine* the)
{
	EthRecord* e = ethOf(the);
	esp_netif_ip_info_t info;
	if (esp_netif_get_ip_info(e->w.netif, &info) != ESP_OK || !info.ip.addr) return;
	xsResult = xsStringBuffer(NULL, 16);
	esp_ip4addr_ntoa(&info.ip, xsmcToString(xsResult), 16);
}
