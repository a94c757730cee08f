#!/usr/bin/env node
// The `nuwani-discord` bin: runCli plus the process around it (signals and the exit code).
import { runCli } from "./runCli.js";

const controller = new AbortController();
const stop = (): void => controller.abort();
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

runCli(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    process.exitCode = code;
  },
  (error: unknown) => {
    // eslint-disable-next-line no-console -- the CLI reports its own failure
    console.error(`nuwani-discord: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
