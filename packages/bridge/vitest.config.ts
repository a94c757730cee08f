import { fileURLToPath } from "node:url";
import { createVitestConfig } from "@nuwani/vitest-config";

// The examples import the package by name, as a gamemode would; tests run them against the source.
export default createVitestConfig({ resolve: { alias: { "@nuwani/bridge": fileURLToPath(new URL("./src/index.ts", import.meta.url)) } } });
