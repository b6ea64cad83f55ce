// embedded:provider/builtin — the ECMA-419 host provider behind the `device` global.
// Only the members bd450 touches are declared.

declare module "embedded:provider/builtin" {
  import Serial from "embedded:io/serial";

  const device: {
    readonly io: {
      readonly Serial: typeof Serial;
    };
  };
  export default device;
}
