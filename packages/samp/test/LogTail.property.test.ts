import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { appendFile, rename, truncate, writeFile } from "node:fs/promises";
import { LogTail } from "../src/LogTail.js";
import { tempDir } from "./support/tempDir.js";

// Against a reference model (the list of lines written), any interleaving of writes split at
// arbitrary bytes, reads, rotations and truncations loses no line and reorders none — as long
// as the tail looks at least once between two rotations (fs.watch and the poll make it do so).
type Op =
  | { kind: "write"; lines: number; cut: number }
  | { kind: "check" }
  | { kind: "rotate" }
  | { kind: "truncate" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("write" as const), lines: fc.integer({ min: 0, max: 40 }), cut: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: "check" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "rotate" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "truncate" as const }) },
);

describe("LogTail against a reference model", () => {
  it("emits exactly the lines written, in order, through partial writes, rotations and truncations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const dir = await tempDir();
        const path = dir.file("log.txt");
        await writeFile(path, "before start\n");
        const tail = new LogTail({ path, watch: false, pollInterval: 600_000 });
        const seen: string[] = [];
        tail.on("line", (line) => seen.push(line));
        await tail.start();
        const written: string[] = [];
        let pending = ""; // text generated but not yet written
        let counter = 0;
        let rotations = 0;
        const finishLine = async () => {
          // Write what is pending, so the file ends at a line break.
          if (pending !== "") await appendFile(path, pending);
          pending = "";
        };
        try {
          for (const step of ops) {
            if (step.kind === "write") {
              for (let i = 0; i < step.lines; i++) {
                const line = `L${counter++} ${"x".repeat(counter % 17)}`;
                written.push(line);
                pending += `${line}\n`;
              }
              // Write all but the last `cut` bytes: a partial line may stay in the file.
              const at = Math.max(0, pending.length - step.cut);
              await appendFile(path, pending.slice(0, at));
              pending = pending.slice(at);
            } else if (step.kind === "check") {
              await tail.check();
            } else if (step.kind === "rotate") {
              await finishLine();
              await rename(path, dir.file(`log.${++rotations}.txt`));
              await writeFile(path, "");
              // The tail must look once per rotation: a file replaced twice between two looks
              // takes the middle file's lines with it (found by this property; see the README).
              await tail.check();
            } else {
              await finishLine();
              await tail.check();
              await truncate(path, 0);
              await tail.check();
            }
          }
          await finishLine();
          await tail.check();
          expect(seen).toEqual(written);
        } finally {
          await tail.stop();
          await dir.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
