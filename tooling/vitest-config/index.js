import { defineConfig, mergeConfig } from "vitest/config";

/**
 * Vitest preset for a package: tests in `test/**\/*.test.ts`, node environment, and a JSON
 * report in `test-results.json` that `.ci/run` sums into its summary line.
 * @param {import("vitest/config").UserConfig} [overrides]
 */
export function createVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ["test/**/*.test.ts"],
        environment: "node",
        testTimeout: 20_000,
        hookTimeout: 20_000,
        reporters: ["default", "json"],
        outputFile: { json: "test-results.json" },
        // CI has two cores; keep forks bounded so loopback servers do not starve each other.
        pool: "forks",
        maxWorkers: 2,
      },
    }),
    overrides,
  );
}
