#!/usr/bin/env node
// The `nuwani-discord` bin: runCli plus the process around it (signals, version, exit code).
import { createRequire } from "node:module";
import { EXIT_CODES } from "./exitCodes.js";
import { runCli } from "./runCli.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** After the run resolved, the process may linger this long for output to flush; then it exits. */
const EXIT_GRACE = 2000;

const controller = new AbortController();
// The first signal ends the run (bounded shutdown, then the summary); a second one exits now.
const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
  if (controller.signal.aborted) process.exit(EXIT_CODES[signal]);
  controller.abort(signal);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// A reader that went away (`nuwani-discord … | head`) ends the run like a signal would, with
// the bounded shutdown; what is still written goes nowhere, and is no crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" && !controller.signal.aborted) controller.abort("EPIPE");
  });
}

const finish = (code: number): void => {
  process.exitCode = code;
  // Whatever a dependency may still hold open (a socket closing, a timer) must not keep the
  // process past its end; the timer is unref'd, so a clean exit does not wait for it.
  setTimeout(() => process.exit(code), EXIT_GRACE).unref();
};

runCli(process.argv.slice(2), { signal: controller.signal, version }).then(finish, (error: unknown) => {
  // eslint-disable-next-line no-console -- the CLI reports its own failure
  console.error(`nuwani-discord: ${error instanceof Error ? error.message : String(error)}`);
  finish(EXIT_CODES.FAILURE);
});
