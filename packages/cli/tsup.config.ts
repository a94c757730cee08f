import { createTsupConfig } from "@nuwani/tsup-config";

export default [
  // The library: dual ESM + CJS with types. Its clean step spares the CLI's files, since
  // tsup builds both configs at once.
  createTsupConfig({ clean: ["!cli.js", "!cli.js.map"] }),
  // The `nuwani-discord` bin: ESM only, no types.
  createTsupConfig({ entry: { cli: "src/cli.ts" }, format: ["esm"], dts: false, clean: false }),
];
