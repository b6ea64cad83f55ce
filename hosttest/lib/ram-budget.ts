// RAM budget of a board image: does the XS machine fit beside what ESP-IDF needs at run time?
//
//   heap at boot   ESP32-C3: the linked image's D/IRAM (idf.py size: region size - static use).
//                  ESP32: the DRAM and D/IRAM regions of ESP-IDF's heap map for the chip
//                  (components/heap/port/esp32/memory_layout.c) minus its ROM-reserved parts,
//                  minus the static DRAM (.dram0.data + .dram0.bss) of the C3 link (the same C and
//                  IDF components; no Xtensa link here).
//   XS creation    manifest.json `creation` at 32-bit sizes (16-byte slots, 4-byte pointers).
//   run time       task stacks and driver buffers, each read from the target's generated
//                  sdkconfig.h, an IDF header or our C, plus named estimates where no file says.
//
// Every figure carries its source; the test prints the table and holds the margin.

import * as fs from "node:fs";
import * as path from "node:path";
import { SUPPORTED_BAUDS } from "../../src/settings/settings";

export interface Item {
  name: string;
  bytes: number;
  source: string;
}

export interface Budget {
  chip: string;
  heap: Item;
  xs: Item[];
  runtime: Item[];
  need: number;
  left: number;
}

/** Margin the budget must keep: heap left after XS and every run-time item, as a share of the heap at boot. */
export const MARGIN_SHARE = 0.1;

export function readSdkconfig(header: string): Map<string, string> {
  const defs = new Map<string, string>();
  for (const m of fs.readFileSync(header, "utf8").matchAll(/^#define (CONFIG_\w+) (.*)$/gm))
    defs.set(m[1], m[2].trim());
  return defs;
}

function num(defs: Map<string, string>, name: string): number {
  const v = defs.get(name);
  if (v === undefined) throw new Error(`${name} is not in sdkconfig.h`);
  return Number(v);
}

interface Creation {
  chunk: { initial: number };
  heap: { initial: number };
  stack: number;
  keys?: { initial: number; name: number; symbol: number };
  parser?: { buffer: number; table: number };
}

/** What xsCreation allocates on a 32-bit board (xs/sources/xsAll.h: txSlot is 16 bytes there). */
export function xsItems(c: Creation, base: { keys: Creation["keys"]; parser: Creation["parser"] }): Item[] {
  const keys = c.keys ?? base.keys!;
  const parser = c.parser ?? base.parser!;
  return [
    { name: "XS chunks (creation.chunk.initial)", bytes: c.chunk.initial, source: "manifest.json" },
    { name: "XS slots (creation.heap.initial x 16 B)", bytes: c.heap.initial * 16, source: "manifest.json" },
    { name: "XS stack (creation.stack x 16 B)", bytes: c.stack * 16, source: "manifest.json" },
    {
      name: "XS keys, name and symbol tables (x 4 B), parser buffer and table",
      bytes: (keys.initial + keys.name + keys.symbol) * 4 + parser.buffer + parser.table * 4,
      source: "$(MODDABLE)/examples/manifest_base.json creation",
    },
  ];
}

/** ESP32 heap at boot from the chip's heap map, before static data (see file header). */
export function esp32HeapRegions(idfPath: string): { bytes: number; source: string } {
  const file = path.join(idfPath, "components", "heap", "port", "esp32", "memory_layout.c");
  const text = fs.readFileSync(file, "utf8");
  let total = 0;
  for (const m of text.matchAll(/\{\s*(0x3FF[0-9A-F]{5}),\s*(0x[0-9A-F]+),\s*SOC_MEMORY_TYPE_(DRAM|DIRAM)\b/gi))
    total += Number(m[2]);
  let reserved = 0;
  for (const m of text.matchAll(/SOC_RESERVE_MEMORY_REGION\((0x[0-9a-f]+),\s*(0x[0-9a-f]+),\s*rom_\w+\)/gi))
    reserved += Number(m[2]) - Number(m[1]);
  if (total < 300 * 1024) throw new Error(`ESP32 heap map parsed to ${total} B; memory_layout.c changed?`);
  return {
    bytes: total - reserved,
    source: `${path.relative(idfPath, file)}: DRAM + D/IRAM regions ${total} B - ROM-reserved ${reserved} B`,
  };
}

/** One memory type of `idf.py size --format json2`: esp-idf-size 1.x writes `memory_types`, 1.2+ a `layout` list. */
export interface SizeJson {
  memory_types?: Record<string, { size: number; used: number; sections?: Record<string, { size: number }> }>;
  layout?: { name: string; total: number; used: number; parts?: Record<string, { size: number }> }[];
}

/** idf.py size json2: static DRAM (data + bss) and the D/IRAM region of a C3 link. */
export function c3Static(size: SizeJson): { regionSize: number; used: number; dram: number } {
  let region: { size: number; used: number; sections: Record<string, { size: number }> } | undefined;
  if (Array.isArray(size.layout)) {
    const m = size.layout.find((x) => /DIRAM|DRAM/.test(x.name));
    if (m) region = { size: m.total, used: m.used, sections: m.parts ?? {} };
  } else if (size.memory_types) {
    const t = size.memory_types;
    const key = Object.keys(t).find((k) => /DIRAM|DRAM/.test(k));
    if (key) region = { size: t[key].size, used: t[key].used, sections: t[key].sections ?? {} };
  }
  if (!region) throw new Error(`no DRAM in idf.py size: ${JSON.stringify(size).slice(0, 300)}`);
  let dram = 0;
  // 1.x names the sections .dram0.data/.dram0.bss; the layout form .data/.bss within the DRAM region.
  for (const [s, v] of Object.entries(region.sections)) if (/^\.(dram0\.)?(data|bss)/.test(s)) dram += v.size;
  return { regionSize: region.size, used: region.used, dram };
}

/** Task stacks and driver buffers at run time (sources in each item). */
/** The fastest terminal baud the settings allow: the receive ring is sized for it. */
const MAX_BAUD = Math.max(...SUPPORTED_BAUDS);

export function runtimeItems(
  _chip: "esp32" | "esp32c3",
  defs: Map<string, string>,
  files: { moddableMainC: string; serialRingC: string; ethMacH: string; webLimitsMaxConnections: number },
  w5500: boolean,
): Item[] {
  const cores = defs.has("CONFIG_FREERTOS_UNICORE") ? 1 : num(defs, "CONFIG_FREERTOS_NUMBER_OF_CORES");
  const mainC = fs.readFileSync(files.moddableMainC, "utf8");
  const kStack = /#else\s*#define kStack \((\d+) \* 1024\)/.exec(mainC);
  // The ring's logic and sizes live in serial-ring-core.c/.h: its task stack, its own transmit
  // ring, and a receive ring of 150 ms of line (at least a floor) — taken at the fastest baud.
  const ring = fs.readFileSync(files.serialRingC, "utf8");
  const ringH = fs.readFileSync(files.serialRingC.replace(/\.c$/, ".h"), "utf8");
  const ringTask = /#define RING_TASK_STACK (\d+)/.exec(ring);
  const rxFactor = /\(int64_t\)baud \* (\d+) \+ 999\) \/ 1000/.exec(ring);
  const rxFloor = /if \(bytes < (\d+)\) bytes = \1;/.exec(ring);
  const ringRx =
    rxFactor && rxFloor
      ? [rxFactor[0], String(Math.max(Number(rxFloor[1]), Math.ceil((MAX_BAUD * Number(rxFactor[1])) / 1000)))]
      : null;
  const ringTx = /#define RING_TX_BYTES (\d+)/.exec(ringH);
  const eth = /\.rx_task_stack_size = (\d+)/.exec(fs.readFileSync(files.ethMacH, "utf8"));
  if (!kStack || !ringTask || !ringRx || !ringTx || !eth)
    throw new Error("a source figure moved (main.c, serial-ring-core.c/.h, esp_eth_mac.h)");
  const items: Item[] = [
    {
      name: "XS main task stack (kStack)",
      bytes: Number(kStack[1]) * 1024,
      source: "$(MODDABLE)/build/devices/esp32/lib/main/main.c",
    },
    {
      name: `IDLE task stack x ${cores} core(s)`,
      bytes: num(defs, "CONFIG_FREERTOS_IDLE_TASK_STACKSIZE") * cores,
      source: "sdkconfig.h CONFIG_FREERTOS_IDLE_TASK_STACKSIZE",
    },
    { name: "esp_timer task stack", bytes: num(defs, "CONFIG_ESP_TIMER_TASK_STACK_SIZE"), source: "sdkconfig.h" },
    {
      name: "event loop task stack",
      bytes: num(defs, "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE"),
      source: "sdkconfig.h",
    },
    { name: "lwIP tcpip task stack", bytes: num(defs, "CONFIG_LWIP_TCPIP_TASK_STACK_SIZE"), source: "sdkconfig.h" },
    {
      name: "Ethernet rx task stack",
      bytes: Number(eth[1]),
      source: "esp_eth/include/esp_eth_mac.h ETH_MAC_DEFAULT_CONFIG",
    },
    {
      name: "terminal ring task stack (bd450rx)",
      bytes: Number(ringTask[1]),
      source: "src/native/esp32/serial-ring-core.c RING_TASK_STACK",
    },
    {
      name: `terminal rings (receive at ${MAX_BAUD} baud + transmit)`,
      bytes: Number(ringRx[1]) + Number(ringTx[1]),
      source: "src/native/esp32/serial-ring-core.c receive ring size, serial-ring-core.h RING_TX_BYTES",
    },
  ];
  if (defs.has("CONFIG_FREERTOS_USE_TIMERS") || defs.has("CONFIG_FREERTOS_TIMER_TASK_STACK_DEPTH"))
    items.push({
      name: "FreeRTOS timer task stack",
      bytes: num(defs, "CONFIG_FREERTOS_TIMER_TASK_STACK_DEPTH"),
      source: "sdkconfig.h",
    });
  if (cores > 1)
    items.push({
      name: `IPC task stack x ${cores}`,
      bytes: num(defs, "CONFIG_ESP_IPC_TASK_STACK_SIZE") * cores,
      source: "sdkconfig.h CONFIG_ESP_IPC_TASK_STACK_SIZE",
    });
  const tasks = items.filter((i) => /task stack/.test(i.name)).length + (cores > 1 ? 1 : 0);
  items.push({
    name: `task control blocks, ${tasks} tasks x 400 B`,
    bytes: tasks * 400,
    source: "estimate (StaticTask_t is about 350 B with the default options)",
  });
  if (!w5500)
    items.push({
      name: "EMAC DMA buffers ((rx + tx) x buffer size)",
      bytes:
        (num(defs, "CONFIG_ETH_DMA_RX_BUFFER_NUM") + num(defs, "CONFIG_ETH_DMA_TX_BUFFER_NUM")) *
        num(defs, "CONFIG_ETH_DMA_BUFFER_SIZE"),
      source: "sdkconfig.h CONFIG_ETH_DMA_*",
    });
  else
    items.push({
      name: "W5500 driver frame buffer (one 1536 B frame)",
      bytes: 1536,
      source: "estimate (ETH_MAX_PACKET_SIZE + headers)",
    });
  items.push({
    name: `lwIP TCP, ${files.webLimitsMaxConnections} web connections x (send buffer + window)`,
    bytes:
      files.webLimitsMaxConnections *
      (num(defs, "CONFIG_LWIP_TCP_SND_BUF_DEFAULT") + num(defs, "CONFIG_LWIP_TCP_WND_DEFAULT")),
    source: "src/web/limits.ts maxConnections; sdkconfig.h CONFIG_LWIP_TCP_SND_BUF_DEFAULT, _WND_DEFAULT",
  });
  items.push({
    name: "lwIP UDP receive mailbox full (x 1536 B pbufs)",
    bytes: num(defs, "CONFIG_LWIP_UDP_RECVMBOX_SIZE") * 1536,
    source: "sdkconfig.h CONFIG_LWIP_UDP_RECVMBOX_SIZE (one socket at a time)",
  });
  items.push({
    name: "other ESP-IDF allocations (esp_netif, NVS page cache, event loop, heap headers)",
    bytes: 16 * 1024,
    source: "estimate",
  });
  return items;
}

export function budget(chip: string, heap: Item, xs: Item[], runtime: Item[]): Budget {
  const need = [...xs, ...runtime].reduce((a, i) => a + i.bytes, 0);
  return { chip, heap, xs, runtime, need, left: heap.bytes - need };
}

/** The budget holds: at least MARGIN_SHARE of the heap at boot is left after every item. */
export function fits(b: Budget): boolean {
  return b.left >= MARGIN_SHARE * b.heap.bytes;
}

export function formatBudget(b: Budget): string {
  const row = (i: Item) => `  ${String(i.bytes).padStart(7)} B  ${i.name}  [${i.source}]`;
  return [
    `${b.chip}: heap at boot ${b.heap.bytes} B [${b.heap.source}]`,
    ...b.xs.map(row),
    ...b.runtime.map(row),
    `  need ${b.need} B, left ${b.left} B (${((100 * b.left) / b.heap.bytes).toFixed(1)} % of the heap; at least ${MARGIN_SHARE * 100} % wanted)`,
  ].join("\n");
}
