// ZTI — device status / self-check (RDSS, terminal -> host, vendor-variant [S11]).
// Fields: IC/crypto state, hardware state, battery, inbound (transmit) state, up to 10 beam powers.
// Value meanings (0 = normal?) are UNCONFIRMED; the field count is parsed leniently
// (the only real example, `$BDZTI,0,1,0,0,0,*70`, has 5 fields).
//   1 IC / crypto module state   2 hardware state   3 battery state   4 inbound (transmit) state
//   5-14 beam powers 0-127 (as many as sent, at most 10)

import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";
import type { SelfCheckTarget } from "../targets";
import { BEAMS, beamsJson } from "./bsi";

export class ZTI {
  icState = NaN;
  hardwareState = NaN;
  batteryState = NaN;
  inboundState = NaN;
  /** Beam powers present in the sentence (0-10); -1 for empty fields. */
  beamCount = 0;
  readonly power = new Int8Array(BEAMS);
}

export const ZTI_KIND: SentenceKind<ZTI> = {
  kind: "ZTI",
  create: () => new ZTI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: SelfCheckTarget, z: ZTI, _talker: number, now: number): void {
    const changed =
      z.icState !== st.icState ||
      z.hardwareState !== st.hardwareState ||
      z.batteryState !== st.batteryState ||
      z.inboundState !== st.inboundState;
    st.icState = z.icState;
    st.hardwareState = z.hardwareState;
    st.batteryState = z.batteryState;
    st.inboundState = z.inboundState;
    st.selfCheckAt = now;
    if (changed)
      st.event(
        "selfcheck",
        `self-check: IC ${z.icState}, hardware ${z.hardwareState}, battery ${z.batteryState}, inbound ${z.inboundState}`,
      );
    if (z.beamCount >= 6) st.setBeams(z.power, z.beamCount, now); // short vendor forms carry no usable beam list
  },
  decode(f: Fields, z: ZTI): string | null {
    if (f.count < 4) return "ZTI needs at least 4 fields";
    z.icState = f.ints[1];
    z.hardwareState = f.ints[2];
    z.batteryState = f.ints[3];
    z.inboundState = f.ints[4];
    let c = f.count - 4;
    if (c > BEAMS) c = BEAMS;
    z.beamCount = c;
    for (let k = 0; k < c; k++) {
      const v = f.int(5 + k);
      z.power[k] = v === v && v >= 0 && v <= 127 ? v : -1;
    }
    return null;
  },
  json: (z) => ({
    icState: n(z.icState),
    hardwareState: n(z.hardwareState),
    batteryState: n(z.batteryState),
    inboundState: n(z.inboundState),
    beams: beamsJson(z.power, z.beamCount),
  }),
};
