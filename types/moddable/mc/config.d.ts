// mc/config — the manifest's "config" object (frozen), overridable on the mcconfig
// command line (key=value). Values are whatever JSON or the command line gave, so
// bd450 reads them as unknown and checks each type.

declare module "mc/config" {
  const config: { readonly [key: string]: unknown };
  export default config;
}
