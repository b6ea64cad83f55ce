// Classic libpcap files over Uint8Array (portable: no Buffer, no fs).
// Reader: both byte orders, µs and ns timestamps; link types Ethernet (1, with
// 802.1Q tags), raw IPv4 (101/228/12), Linux cooked SLL (113) and SLL2 (276),
// BSD loopback (0); yields IPv4/UDP payloads. Anything else is a clear error.
// Writer: Ethernet frames carrying IPv4/UDP, so Wireshark opens the file as is.

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_MAGIC = 0x0a0d0d0a;
export const LINKTYPE_ETHERNET = 1;

export class PcapError extends Error {}

export interface UdpPacket extends PcapPacketInfo {
  /** Index of the record in the file (0-based). */
  index: number;
  /** Capture time, ms since the Unix epoch (fractional). */
  time: number;
  ttl: number;
  /** The UDP payload (a view into the file bytes). */
  payload: Uint8Array;
  /** Payload bytes missing because the capture was truncated (snaplen). */
  truncated: number;
}

export interface PcapSummary {
  linkType: number;
  records: number;
  udp: number;
  /** Records that were not IPv4/UDP (ARP, IPv6, TCP, ...). */
  skipped: number;
  /** IPv4 fragments (not reassembled; the 450 rules forbid fragmentation by size). */
  fragments: number;
  /** Records cut short by the end of the file. */
  damaged: number;
}

/** True when the first bytes are a libpcap or pcapng magic number. */
export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const le = u32(bytes, 0, true);
  return (
    le === PCAP_MAGIC_US ||
    le === PCAP_MAGIC_NS ||
    u32(bytes, 0, false) === PCAP_MAGIC_US ||
    u32(bytes, 0, false) === PCAP_MAGIC_NS ||
    le === PCAPNG_MAGIC
  );
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000
    : b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function ipv4(b: Uint8Array, o: number): string {
  return b[o] + "." + b[o + 1] + "." + b[o + 2] + "." + b[o + 3];
}

/**
 * Read every IPv4/UDP datagram of a classic pcap file. Calls `onPacket` per datagram
 * and returns a summary. Throws PcapError for files it cannot read (with the reason).
 */
export function readPcap(bytes: Uint8Array, onPacket: (p: UdpPacket) => void): PcapSummary {
  if (bytes.length < 24) throw new PcapError("not a pcap file: shorter than the 24-byte global header");
  const magicLe = u32(bytes, 0, true);
  if (magicLe === PCAPNG_MAGIC)
    throw new PcapError("pcapng format is not supported; convert it with: editcap -F pcap in.pcapng out.pcap");
  let le: boolean;
  let nano: boolean;
  if (magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS) {
    le = true;
    nano = magicLe === PCAP_MAGIC_NS;
  } else {
    const be = u32(bytes, 0, false);
    if (be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS) throw new PcapError("not a pcap file: bad magic number");
    le = false;
    nano = be === PCAP_MAGIC_NS;
  }
  const linkType = u32(bytes, 20, le) & 0x0fffffff; // upper bits may carry FCS info
  if (!LINK_HEADERS.has(linkType))
    throw new PcapError(
      "unsupported pcap link type " +
        linkType +
        " (supported: 0 null, 1 Ethernet, 12/101/228 raw IPv4, 113 Linux SLL, 276 Linux SLL2)",
    );
  const summary: PcapSummary = { linkType, records: 0, udp: 0, skipped: 0, fragments: 0, damaged: 0 };
  let o = 24;
  while (o < bytes.length) {
    if (o + 16 > bytes.length) {
      summary.damaged++;
      break;
    }
    const sec = u32(bytes, o, le);
    const frac = u32(bytes, o + 4, le);
    const incl = u32(bytes, o + 8, le);
    o += 16;
    if (incl > 0x4000000 || o + incl > bytes.length) {
      summary.damaged++;
      break;
    }
    const rec = bytes.subarray(o, o + incl);
    o += incl;
    const index = summary.records++;
    const time = sec * 1000 + (nano ? frac / 1e6 : frac / 1e3);
    const ip = ipOffset(rec, linkType);
    if (ip < 0 || ip + 20 > rec.length || rec[ip] >> 4 !== 4) {
      summary.skipped++;
      continue;
    }
    const ihl = (rec[ip] & 15) * 4;
    if (ihl < 20 || rec[ip + 9] !== 17 || ip + ihl + 8 > rec.length) {
      summary.skipped++;
      continue;
    }
    const fragField = u16be(rec, ip + 6);
    if ((fragField & 0x2000) !== 0 || (fragField & 0x1fff) !== 0) {
      summary.fragments++;
      continue;
    }
    const u = ip + ihl;
    const udpLen = u16be(rec, u + 4);
    const want = udpLen >= 8 ? udpLen - 8 : 0;
    const have = Math.max(0, Math.min(want, rec.length - (u + 8)));
    summary.udp++;
    onPacket({
      index,
      time,
      srcAddress: ipv4(rec, ip + 12),
      srcPort: u16be(rec, u),
      dstAddress: ipv4(rec, ip + 16),
      dstPort: u16be(rec, u + 2),
      ttl: rec[ip + 8],
      payload: rec.subarray(u + 8, u + 8 + have),
      truncated: want - have,
    });
  }
  return summary;
}

const LINK_HEADERS = new Set([0, 1, 12, 101, 228, 113, 276]);

/** Offset of the IPv4 header in a record, or -1 when the record is not IPv4. */
function ipOffset(rec: Uint8Array, linkType: number): number {
  switch (linkType) {
    case 1: {
      if (rec.length < 14) return -1;
      let o = 12;
      let type = u16be(rec, o);
      while ((type === 0x8100 || type === 0x88a8) && o + 6 <= rec.length) {
        o += 4;
        type = u16be(rec, o);
      }
      return type === 0x0800 ? o + 2 : -1;
    }
    case 0: {
      // BSD loopback: 4-byte address family in host order; 2 = AF_INET.
      if (rec.length < 4) return -1;
      return rec[0] === 2 || rec[3] === 2 ? 4 : -1;
    }
    case 12:
    case 101:
    case 228:
      return 0;
    case 113:
      return rec.length >= 16 && u16be(rec, 14) === 0x0800 ? 16 : -1;
    case 276:
      return rec.length >= 20 && u16be(rec, 0) === 0x0800 ? 20 : -1;
  }
  return -1;
}

// --- Writer -----------------------------------------------------------------

function parseIpv4(a: string): number[] {
  const parts = a.split(".");
  if (parts.length !== 4) throw new RangeError("not an IPv4 address: " + a);
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!(p.length > 0 && v >= 0 && v <= 255 && (v | 0) === v)) throw new RangeError("not an IPv4 address: " + a);
    out.push(v);
  }
  return out;
}

function put32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 255;
  b[o + 1] = (v >>> 8) & 255;
  b[o + 2] = (v >>> 16) & 255;
  b[o + 3] = (v >>> 24) & 255;
}

function put16be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >> 8) & 255;
  b[o + 1] = v & 255;
}

/** Ones'-complement sum of 16-bit big-endian words (odd byte padded with 0). */
function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) acc += (b[i] << 8) | b[i + 1];
  if (i < end) acc += b[i] << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
}

/** Addresses and time of one captured UDP packet (read: UdpPacket; written: pcapRecord). */
export interface PcapPacketInfo {
  /** Time, ms since the Unix epoch. */
  time: number;
  srcAddress: string;
  srcPort: number;
  dstAddress: string;
  dstPort: number;
  ttl?: number;
}

/** Global header of a classic pcap (little-endian, µs, Ethernet). */
export function pcapHeader(snaplen = 65535): Uint8Array {
  const h = new Uint8Array(24);
  put32le(h, 0, PCAP_MAGIC_US);
  h[4] = 2; // version 2.4
  h[6] = 4;
  put32le(h, 16, snaplen);
  put32le(h, 20, LINKTYPE_ETHERNET);
  return h;
}

/**
 * One pcap record (16-byte record header + Ethernet/IPv4/UDP frame) for `payload`.
 * Multicast destinations get the matching 01:00:5e MAC; the source MAC is a fixed
 * locally administered address (the capture cannot know the real one).
 */
export function pcapRecord(info: PcapPacketInfo, payload: Uint8Array, ipId = 0): Uint8Array {
  if (payload.length > 65507) throw new RangeError("UDP payload too large for IPv4");
  const src = parseIpv4(info.srcAddress);
  const dst = parseIpv4(info.dstAddress);
  const frameLen = 14 + 20 + 8 + payload.length;
  const r = new Uint8Array(16 + frameLen);
  const sec = Math.floor(info.time / 1000);
  const usec = Math.floor((info.time - sec * 1000) * 1000);
  put32le(r, 0, sec);
  put32le(r, 4, usec);
  put32le(r, 8, frameLen);
  put32le(r, 12, frameLen);
  let o = 16;
  // Ethernet
  if (dst[0] >= 224 && dst[0] <= 239) {
    r[o] = 0x01;
    r[o + 1] = 0x00;
    r[o + 2] = 0x5e;
    r[o + 3] = dst[1] & 0x7f;
    r[o + 4] = dst[2];
    r[o + 5] = dst[3];
  } else {
    r[o] = 0x02;
    r[o + 5] = 0x02;
  }
  r[o + 6] = 0x02;
  r[o + 7] = 0x00;
  r[o + 8] = 0x00;
  r[o + 9] = 0x00;
  r[o + 10] = 0x00;
  r[o + 11] = 0x01;
  put16be(r, o + 12, 0x0800);
  o += 14;
  // IPv4
  const ip = o;
  r[ip] = 0x45;
  put16be(r, ip + 2, 20 + 8 + payload.length);
  put16be(r, ip + 4, ipId & 0xffff);
  r[ip + 8] = info.ttl ?? 1;
  r[ip + 9] = 17;
  for (let i = 0; i < 4; i++) {
    r[ip + 12 + i] = src[i];
    r[ip + 16 + i] = dst[i];
  }
  put16be(r, ip + 10, ~fold(sum16(r, ip, ip + 20, 0)) & 0xffff);
  // UDP
  const u = ip + 20;
  put16be(r, u, info.srcPort);
  put16be(r, u + 2, info.dstPort);
  put16be(r, u + 4, 8 + payload.length);
  r.set(payload, u + 8);
  // Checksum over the pseudo-header + UDP header + payload (0 is sent as 0xffff).
  let acc = sum16(r, ip + 12, ip + 20, 0) + 17 + 8 + payload.length;
  acc = sum16(r, u, u + 8 + payload.length, acc);
  const cs = ~fold(acc) & 0xffff;
  put16be(r, u + 6, cs === 0 ? 0xffff : cs);
  return r;
}

/** Accumulating writer: hands each chunk to `sink` (a file write on the host). */
export class PcapWriter {
  private id = 0;
  records = 0;
  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    snaplen = 65535,
  ) {
    sink(pcapHeader(snaplen));
  }
  write(info: PcapPacketInfo, payload: Uint8Array): void {
    this.sink(pcapRecord(info, payload, this.id++));
    this.records++;
  }
}
