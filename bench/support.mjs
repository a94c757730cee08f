// What the benchmarks share: their command-line numbers and a fake server in a child process
// that speaks one line at a time.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The number after `--name` on the command line, or `fallback`. */
export function arg(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

/**
 * Starts `script` (beside this file) with `args` in a child Node process whose stdout is read
 * line by line. Lines are queued so that none is lost while nobody waits for one.
 * @returns `{ child, nextLine(), send(line), quit() }`
 */
export function startChild(script, args = []) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args.map(String)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = [];
  const waiting = [];
  createInterface({ input: child.stdout }).on("line", (line) => (waiting.length > 0 ? waiting.shift()(line) : lines.push(line)));
  return {
    child,
    /** The next line the child prints. */
    nextLine: () => (lines.length > 0 ? Promise.resolve(lines.shift()) : new Promise((resolve) => waiting.push(resolve))),
    /** Writes one line to the child's stdin. */
    send: (line) => child.stdin.write(`${line}\n`),
    /** Asks the child to quit and waits for it to exit. */
    quit: async () => {
      child.stdin.write("quit\n");
      await once(child, "exit");
    },
  };
}
