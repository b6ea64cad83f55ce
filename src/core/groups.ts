// IEC 61162-450 transmission groups (Ed.3 Table 4 as cited by open implementations):
// group N is multicast address 239.192.0.N on UDP port 60000+N. Sentence groups are
// N = 1..20; 21..30 carry binary image transfer and are not used by this gateway.

export interface TransmissionGroup {
  readonly name: string;
  readonly index: number;
  readonly address: string;
  readonly port: number;
}

const NAMES = [
  "MISC",
  "TGTD",
  "SATD",
  "NAVD",
  "VDRD",
  "RCOM",
  "TIME",
  "PROP",
  "USR1",
  "USR2",
  "USR3",
  "USR4",
  "USR5",
  "USR6",
  "USR7",
  "USR8",
  "BAM1",
  "BAM2",
  "CAM1",
  "CAM2",
];

/** Groups by index; GROUPS[0] is unused so that GROUPS[N] is group N. */
export const GROUPS: ReadonlyArray<TransmissionGroup> = (() => {
  const list: TransmissionGroup[] = [{ name: "", index: 0, address: "", port: 0 }];
  for (let i = 0; i < NAMES.length; i++) {
    const n = i + 1;
    list.push(Object.freeze({ name: NAMES[i], index: n, address: "239.192.0." + n, port: 60000 + n }));
  }
  return Object.freeze(list);
})();

export const GROUP_COUNT = NAMES.length;
/** Indexes of the groups the code names (the others only by the installer's settings). */
export const MISC = 1,
  NAVD = 4,
  RCOM = 6,
  BAM1 = 17,
  CAM1 = 19,
  CAM2 = 20;

/** Group index for a name (case-insensitive), or 0 when unknown. */
export function groupIndex(name: string): number {
  const u = name.toUpperCase();
  for (let i = 1; i < GROUPS.length; i++) if (GROUPS[i].name === u) return i;
  return 0;
}

/** All group names, for help texts and validation messages. */
export function groupNames(): string[] {
  return NAMES.slice();
}
