// embedded:io/system — the ECMA-419 System object that Moddable's preloaded "system"
// module also puts on globalThis. bd450 only restarts the board from the console.

declare module "embedded:io/system" {
  export default class System {
    static restart(): void;
  }
}
