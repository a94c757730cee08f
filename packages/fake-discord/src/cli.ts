#!/usr/bin/env node
// The `fake-discord` bin: runCli plus the process around it (output, signals, exit code).
// Exit codes, as nuwani-discord's: 0 done, 1 failure, 2 bad arguments, 130/143 SIGINT/SIGTERM.
import { createRequire } from "node:module";
import { FakeDiscordError } from "./FakeDiscordError.js";
import { runCli } from "./runCli.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

const write = (text: string): void => {
  process.stdout.write(text);
};

runCli(process.argv.slice(2), write, { version }).then(
  (running) => {
    if (running === undefined) return;
    let stopping = false;
    const stop = (signal: "SIGINT" | "SIGTERM"): void => {
      // A second signal while stopping exits at once.
      if (stopping) process.exit(SIGNAL_EXIT_CODES[signal]);
      stopping = true;
      running.stop().then(
        () => {
          process.exitCode = SIGNAL_EXIT_CODES[signal];
        },
        (error: unknown) => {
          // eslint-disable-next-line no-console -- the CLI reports its own failure
          console.error(error instanceof Error ? error.message : String(error));
          process.exitCode = 1;
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  },
  (error: unknown) => {
    // eslint-disable-next-line no-console -- the CLI reports its own failure
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof FakeDiscordError && error.code === "FAKE_DISCORD_INVALID_ARGUMENT" ? 2 : 1;
  },
);
