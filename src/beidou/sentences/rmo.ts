// RMO — output control (RDSS 2.1, host -> terminal): `$CCRMO,name,mode,freq*hh`
//   1 sentence name (3 letters; empty with modes 3/4)
//   2 mode: 1 disable, 2 enable, 3 disable all, 4 enable all (1/3/4 UNCONFIRMED)
//   3 output interval, seconds

import { buildSentence, CommandError, exactFields, intIn, numberField } from "../command";
import type { Fields } from "../fields";
import { formatterKey, formatterName, n, type SentenceKind } from "../kind";

export class RMO {
  /** Sentence name, 3 letters packed (0 when empty). */
  sentence = 0;
  /** 1 disable, 2 enable, 3 disable all, 4 enable all (1/3/4 UNCONFIRMED). */
  mode = NaN;
  /** Output interval, seconds. */
  frequency = NaN;
}

export const RMO_KIND: SentenceKind<RMO> = {
  kind: "RMO",
  create: () => new RMO(),
  decode(f: Fields, m: RMO): string | null {
    if (f.count < 3) return "RMO needs 3 fields";
    m.sentence = f.len(1) === 3 ? formatterKey(f.at(1, 0), f.at(1, 1), f.at(1, 2)) : 0;
    if (f.chars[1] !== 0 && !m.sentence) return "RMO sentence name not 3 letters";
    m.mode = f.ints[2];
    if (!(m.mode >= 1 && m.mode <= 4)) return "RMO mode not 1-4";
    m.frequency = f.nums[3];
    return null;
  },
  json: (m) => ({ sentence: formatterName(m.sentence) || null, mode: n(m.mode), interval_s: n(m.frequency) }),
  reencode(m: RMO, f: Fields): Uint8Array {
    exactFields(f, 3, "RMO");
    return encodeRMO(formatterName(m.sentence), m.mode, m.frequency === m.frequency ? m.frequency : 0);
  },
};

/** `$CCRMO,name,mode,freq` — output control. mode 1 disable, 2 enable, 3 disable all, 4 enable all. */
export function encodeRMO(sentence: string, mode: number, interval = 0): Uint8Array {
  intIn(mode, 1, 4, "RMO mode");
  if (mode <= 2 && !/^[A-Z]{3}$/.test(sentence))
    throw new CommandError(`RMO mode ${mode} needs a 3-letter sentence name, not "${sentence}"`);
  if (mode >= 3 && sentence !== "" && !/^[A-Z]{3}$/.test(sentence))
    throw new CommandError(`RMO sentence name must be 3 letters or empty, not "${sentence}"`);
  return buildSentence("CCRMO", [sentence, String(mode), numberField(interval, "RMO output interval", 0, 65535, 1)]);
}
