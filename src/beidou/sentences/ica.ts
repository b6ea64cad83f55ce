// ICA — IC card check (RDSS 2.1, host -> terminal): `$CCICA,type,frame*hh`
//   1 type: 0 this terminal, 1 subordinate users
//   2 frame number 0-99 (subordinate list page)

import { buildSentence, exactFields, intIn } from "../command";
import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";

export class ICA {
  /** 0 this terminal, 1 subordinate users. */
  type = NaN;
  frame = NaN;
}

export const ICA_KIND: SentenceKind<ICA> = {
  kind: "ICA",
  create: () => new ICA(),
  decode(f: Fields, c: ICA): string | null {
    if (f.count < 2) return "ICA needs 2 fields";
    c.type = f.ints[1];
    c.frame = f.ints[2];
    if (c.type !== 0 && c.type !== 1) return "ICA type not 0/1";
    if (!(c.frame >= 0 && c.frame <= 99)) return "ICA frame not 0-99";
    return null;
  },
  json: (c) => ({ type: n(c.type), frame: n(c.frame) }),
  reencode(c: ICA, f: Fields): Uint8Array {
    exactFields(f, 2, "ICA");
    return encodeICA(c.type, c.frame);
  },
};

/** `$CCICA,type,frame` — card check; type 0 this terminal, 1 subordinate users. */
export function encodeICA(type = 0, frame = 0): Uint8Array {
  intIn(type, 0, 1, "ICA type");
  intIn(frame, 0, 99, "ICA frame number");
  return buildSentence("CCICA", [String(type), String(frame).padStart(2, "0")]);
}
