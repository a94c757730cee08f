import { defineConfig } from "tsup";

/**
 * Dual ESM + CJS build of `src/index.ts` with `.d.ts`/`.d.cts`, for Node 20.
 * @param {import("tsup").Options} [overrides]
 */
export function createTsupConfig(overrides = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // TypeScript 6 reports tsup's injected baseUrl as deprecated (TS5101).
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    shims: false,
    ...overrides,
  });
}
