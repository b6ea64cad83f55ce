// instrumentation — Moddable's runtime counters ("XS Slot Heap Used", "XS Chunk Heap
// Used", ...). Indices vary by host, so they are looked up by name. In release
// builds the module is compiled as stubs and every call returns undefined.

declare module "instrumentation" {
  export default class Instrumentation {
    static get(index: number): number | undefined;
    static map(name: string): number | undefined;
    static name(index: number): string | undefined;
  }
}
