// Type of the native module native/fixes (fixes.js + fixes.c), listed beside it in the
// manifest so that mcconfig's TypeScript step finds it (its paths map every module file).

declare module "native/fixes" {
  import type { FixApply } from "beidou/wiring";

  const fixApply: FixApply;
  export default fixApply;
}
