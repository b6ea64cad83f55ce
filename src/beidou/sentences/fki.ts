// FKI — feedback on a command (RDSS, terminal -> host). Two layouts share the name:
//   2.1:   `$BDFKI,cmd,exec,freqSet,inhibit,wait*hh`          wait = mmss
//   BDS-3: `$BDFKI,hhmmss,cmd,Y/N,reason,remaining*hh`        (vendor-variant)
// The table tells them apart by field 1: 6 digits is the BDS-3 time.
//   2.1:   1 command name (3 letters)   2 execution Y/N   3 frequency setting Y/N
//          4 transmit inhibit 0-3   5 wait time mmss (converted to seconds)
//   BDS-3: 1 UTC time hhmmss   2 command name (3 letters)   3 execution Y/N
//          4 reason code   5 remaining wait, seconds

import type { Fields } from "../fields";
import { ch, formatterKey, formatterName, hms, n, type SentenceKind } from "../kind";
import type { FeedbackTarget } from "../targets";

export class FKI {
  /** "2.1" or "BDS-3". */
  form: "2.1" | "BDS-3" = "2.1";
  /** Command answered, 3 letters packed (TXA, DWA, TCQ, ...). */
  command = 0;
  /** Execution: true for Y. */
  accepted = false;
  /** 2.1: frequency-setting indication ('Y'/'N'). */
  frequencyOk = 0;
  /** 2.1: transmit-inhibit indication 0-3; BDS-3: reason code (meanings UNCONFIRMED, vendor-specific). */
  reason = NaN;
  /** Seconds until the next transmission is allowed. */
  wait = NaN;
  /** BDS-3 only: time of the answer, seconds since midnight. */
  time = NaN;
}

// Form names assigned per sentence as constants: on XS a string literal in evaluated
// bytecode is copied into a new chunk each time it runs.
const FORM_21: FKI["form"] = "2.1",
  FORM_BDS3: FKI["form"] = "BDS-3";

function command(f: Fields, i: number): number {
  if (f.len(i) !== 3) return 0;
  return formatterKey(f.at(i, 0), f.at(i, 1), f.at(i, 2));
}

function yn(f: Fields, i: number): number {
  const c = f.char(i);
  return c === 0x59 ? 1 : c === 0x4e ? 0 : -1;
}

/** Both forms: one record, one group, one state update, one JSON view. */
const FKI_COMMON = {
  group: "RCOM",
  create: () => new FKI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FeedbackTarget, k: FKI, _talker: number, now: number): void {
    st.fki(k, now);
  },
  json: fkiJson,
};

export const FKI_KIND: SentenceKind<FKI> = {
  kind: "FKI",
  ...FKI_COMMON,
  decode(f: Fields, k: FKI): string | null {
    if (f.count < 5) return "FKI needs 5 fields";
    k.form = FORM_21;
    k.time = NaN;
    k.command = command(f, 1);
    if (!k.command) return "FKI command name not 3 letters";
    const e = yn(f, 2);
    if (e < 0) return "FKI execution not Y/N";
    k.accepted = e === 1;
    k.frequencyOk = f.chars[3];
    k.reason = f.ints[4];
    k.wait = NaN;
    if (f.chars[5] !== 0) {
      if (f.len(5) !== 4 || !f.digits(5)) return "FKI wait time not mmss";
      const v = f.ints[5];
      k.wait = Math.floor(v / 100) * 60 + (v % 100);
    }
    return null;
  },
};

export const FKI3_KIND: SentenceKind<FKI> = {
  kind: "FKI-BDS3",
  ...FKI_COMMON,
  decode(f: Fields, k: FKI): string | null {
    if (f.count < 4) return "FKI (BDS-3) needs at least 4 fields";
    k.form = FORM_BDS3;
    k.time = f.times[1];
    if (k.time !== k.time) return "FKI (BDS-3) time malformed";
    k.command = command(f, 2);
    if (!k.command) return "FKI command name not 3 letters";
    const e = yn(f, 3);
    if (e < 0) return "FKI execution not Y/N";
    k.accepted = e === 1;
    k.frequencyOk = 0;
    k.reason = f.ints[4];
    k.wait = f.nums[5];
    return null;
  },
};

function fkiJson(k: FKI): Record<string, unknown> {
  return {
    form: k.form,
    time: k.form === "BDS-3" ? hms(k.time) : undefined,
    command: formatterName(k.command),
    accepted: k.accepted,
    frequencyOk: k.form === "2.1" ? (k.frequencyOk === 0x59 ? true : k.frequencyOk === 0x4e ? false : null) : undefined,
    frequencyIndication: k.form === "2.1" ? ch(k.frequencyOk) : undefined,
    reason: n(k.reason),
    wait_s: n(k.wait),
  };
}

/** Field 1 of a `$BDFKI` is a 6-digit time in the BDS-3 form. */
export function isBds3Fki(f: Fields): boolean {
  return f.len(1) === 6 && f.digits(1);
}
