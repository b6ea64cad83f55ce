// preference — Moddable's persisted settings. On ESP32 the store is NVS: domain
// (NVS namespace) and key are at most 15 characters, numbers must be int32
// ("float unsupported" otherwise), each set() erases then commits (flash wear and
// blocking time). get() of a missing key returns undefined.

declare module "preference" {
  type PreferenceValue = boolean | number | string | ArrayBuffer;

  export default class Preference {
    static set(domain: string, key: string, value: PreferenceValue): void;
    static get(domain: string, key: string): PreferenceValue | undefined;
    static delete(domain: string, key: string): void;
    static keys(domain: string): string[];
  }
}
