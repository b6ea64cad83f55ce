// Type of the native module native/bytes (bytes.js + bytes.c), listed beside it in the
// manifest so that mcconfig's TypeScript step finds it (its paths map every module file).

declare module "native/bytes" {
  import type { ByteHelpers } from "core/bytes";

  const bytes: ByteHelpers;
  export default bytes;
}
