// Host -> terminal RDSS 2.1 commands, decoded (the simulator reads them, and the
// command encoders are tested by decoding what they wrote):
//   `$CCICA,type,frame`   `$CCRMO,name,mode,freq`   `$CCBSS,resp,td`
//   `$CCDWA,userId,urgent,heightMode,heightType,height,antH,pressure,temp,freq`

import type { Fields } from "../fields";
import { addr7, ch, formatterKey, formatterName, n, type SentenceKind } from "../kind";

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
};

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
};

export class BSS {
  /** Response and time-difference beam, 1-10; NaN = automatic (empty field). */
  responseBeam = NaN;
  timeDifferenceBeam = NaN;
}

export const BSS_KIND: SentenceKind<BSS> = {
  kind: "BSS",
  create: () => new BSS(),
  decode(f: Fields, b: BSS): string | null {
    if (f.count < 2) return "BSS needs 2 fields";
    b.responseBeam = f.ints[1];
    b.timeDifferenceBeam = f.ints[2];
    if (f.chars[1] !== 0 && !(b.responseBeam >= 0 && b.responseBeam <= 10)) return "BSS beam not 0-10";
    if (f.chars[2] !== 0 && !(b.timeDifferenceBeam >= 0 && b.timeDifferenceBeam <= 10)) return "BSS beam not 0-10";
    return null;
  },
  json: (b) => ({ responseBeam: n(b.responseBeam), timeDifferenceBeam: n(b.timeDifferenceBeam) }),
};

export class DWA {
  userId = NaN;
  /** 'A' urgent, 'V' normal. */
  urgent = 0;
  /** 0 with height, 1 without, 2 measure-height-1, 3 measure-height-2. */
  heightMode = NaN;
  /** 'H' high-altitude user, 'L' normal. */
  heightType = 0;
  /** Metres. */
  height = NaN;
  antennaHeight = NaN;
  /** Pa. */
  pressure = NaN;
  /** °C. */
  temperature = NaN;
  /** Seconds, 0 = single request. */
  frequency = NaN;
}

export const DWA_KIND: SentenceKind<DWA> = {
  kind: "DWA",
  create: () => new DWA(),
  decode(f: Fields, d: DWA): string | null {
    if (f.count < 9) return "DWA needs 9 fields";
    if (!f.digits(1)) return "DWA user address not digits";
    d.userId = f.ints[1];
    d.urgent = f.chars[2];
    d.heightMode = f.ints[3];
    d.heightType = f.chars[4];
    d.height = f.nums[5];
    d.antennaHeight = f.nums[6];
    d.pressure = f.nums[7];
    d.temperature = f.nums[8];
    d.frequency = f.nums[9];
    if (d.urgent !== 0x41 && d.urgent !== 0x56) return "DWA urgent flag not A/V";
    if (!(d.heightMode >= 0 && d.heightMode <= 3)) return "DWA height mode not 0-3";
    if (d.heightType !== 0x48 && d.heightType !== 0x4c) return "DWA height type not H/L";
    return null;
  },
  json: (d) => ({
    card: addr7(d.userId),
    urgent: d.urgent === 0x41,
    heightMode: n(d.heightMode),
    heightType: ch(d.heightType),
    height_m: n(d.height),
    antennaHeight_m: n(d.antennaHeight),
    pressure_Pa: n(d.pressure),
    temperature_C: n(d.temperature),
    interval_s: n(d.frequency),
  }),
};
