#!/usr/bin/env node
// The `fake-samp` bin: runCli plus the process around it (output, signals, exit code).
import { runCli } from "./runCli.js";

const write = (text: string): void => {
  process.stdout.write(text);
};

runCli(process.argv.slice(2), write).then(
  (running) => {
    if (running === undefined) return;
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      running.stop().then(
        () => {
          process.exitCode = 0;
        },
        (error: unknown) => {
          // eslint-disable-next-line no-console -- the CLI reports its own failure
          console.error(error instanceof Error ? error.message : String(error));
          process.exitCode = 1;
        },
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (error: unknown) => {
    // eslint-disable-next-line no-console -- the CLI reports its own failure
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
