// embedded:network/interface/ethernet on the W5500 boards (native part: ethernet-w5500.c).
// The constructor throws when the chip does not start; link.ts retries with back-off.
class Ethernet @ "xs_bd450_w5500_destructor" {
  constructor(options) @ "xs_bd450_w5500";
  close() @ "xs_bd450_w5500_close";
  connect() @ "xs_bd450_w5500_connect";
  configure(options) @ "xs_bd450_w5500_configure";
  get connection() @ "xs_bd450_w5500_connection_get";
  get address() @ "xs_bd450_w5500_address_get";
}

export default Ethernet;
