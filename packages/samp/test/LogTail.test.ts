import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appendFile, rename, truncate, writeFile } from "node:fs/promises";
import { LogTail, type LogTailOptions } from "../src/LogTail.js";
import { CodePage } from "../src/CodePage.js";
import { tempDir } from "./support/tempDir.js";
import { waitUntil } from "./support/waitUntil.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let tail: LogTail | undefined;
let lines: string[];
let path: string;

beforeEach(async () => {
  dir = await tempDir();
  path = dir.file("server_log.txt");
  lines = [];
});
afterEach(async () => {
  await tail?.stop();
  tail = undefined;
  vi.useRealTimers();
  await dir.cleanup();
});

async function startTail(options: Partial<LogTailOptions> = {}, useWatch = false): Promise<LogTail> {
  tail = new LogTail(useWatch ? { path, pollInterval: 60_000, ...options } : { path, watch: false, pollInterval: 60_000, ...options });
  tail.on("line", (line) => lines.push(line));
  await tail.start();
  return tail;
}

const numbered = (from: number, count: number, prefix = "line") => Array.from({ length: count }, (_, index) => `[12:00:00] [chat] [P]: ${prefix} ${from + index}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join("");

describe("LogTail", () => {
  it("starts at the end of an existing log: yesterday is not replayed", async () => {
    await writeFile(path, text(["old 1", "old 2"]));
    const t = await startTail();
    await appendFile(path, text(["new 1"]));
    await t.check();
    expect(lines).toEqual(["new 1"]);
  });

  it("reads an existing log from its start with fromStart", async () => {
    await writeFile(path, text(["old 1"]));
    await (await startTail({ fromStart: true })).check();
    expect(lines).toEqual(["old 1"]);
  });

  it("waits for the line break of a partial last line, and strips CR", async () => {
    await writeFile(path, "");
    const t = await startTail();
    await appendFile(path, "first\r\nsec");
    await t.check();
    expect(lines).toEqual(["first"]);
    await appendFile(path, "ond\n");
    await t.check();
    expect(lines).toEqual(["first", "second"]);
  });

  it("loses no line of a 10,000-line burst, in order", async () => {
    await writeFile(path, "");
    const t = await startTail();
    const burst = numbered(0, 10_000);
    await appendFile(path, text(burst));
    await t.check();
    expect(lines).toEqual(burst);
  });

  it("loses no line when the burst arrives while a read is running (checks overlap)", async () => {
    await writeFile(path, "");
    const t = await startTail();
    const expected: string[] = [];
    const checks: Promise<void>[] = [];
    for (let part = 0; part < 20; part++) {
      const chunk = numbered(part * 500, 500);
      expected.push(...chunk);
      await appendFile(path, text(chunk));
      checks.push(t.check());
    }
    await Promise.all(checks);
    await t.check();
    expect(lines).toEqual(expected);
  });

  it("survives rotation mid-burst: the old file is read to its end, then the new one from its start", async () => {
    await writeFile(path, "");
    const t = await startTail();
    await appendFile(path, text(numbered(0, 3000)));
    await t.check();
    // The writer keeps writing to the old file (renamed), then reopens the path.
    await appendFile(path, text(numbered(3000, 2000)));
    await rename(path, dir.file("server_log.1.txt"));
    await appendFile(dir.file("server_log.1.txt"), "partial-without-newline");
    await t.check(); // path missing: the old file is still read
    await writeFile(path, text(numbered(5000, 5000)));
    const rotated: string[] = [];
    t.on("rotated", (reason) => rotated.push(reason));
    await t.check();
    expect(lines).toEqual([...numbered(0, 5000), "partial-without-newline", ...numbered(5000, 5000)]);
    expect(rotated).toEqual(["replaced"]);
    expect(t.stats.rotations).toBe(1);
  });

  it("survives truncation mid-burst: reading restarts at 0", async () => {
    await writeFile(path, "");
    const t = await startTail();
    await appendFile(path, text(numbered(0, 1000)));
    await t.check();
    await truncate(path, 0);
    await appendFile(path, text(numbered(1000, 10)));
    const rotated: string[] = [];
    t.on("rotated", (reason) => rotated.push(reason));
    await t.check();
    expect(lines).toEqual(numbered(0, 1010));
    expect(rotated).toEqual(["truncated"]);
  });

  it("regression: a truncation that regrew past the offset before the next read is detected (no lines lost or garbled)", async () => {
    // Before the fix only `size < offset` meant truncation: a log truncated and written
    // again past the old size between two reads was read on from the old offset, losing
    // the new lines before it and cutting one in half.
    await writeFile(path, "");
    const t = await startTail();
    await appendFile(path, text(numbered(0, 1000)));
    await t.check();
    await truncate(path, 0);
    await appendFile(path, text(numbered(1000, 1500, "again")));
    const rotated: string[] = [];
    t.on("rotated", (reason) => rotated.push(reason));
    await t.check();
    expect(lines).toEqual([...numbered(0, 1000), ...numbered(1000, 1500, "again")]);
    expect(rotated).toEqual(["truncated"]);
    expect(t.stats.truncations).toBe(1);
  });

  it("keeps recognising the file when it was opened at its end (no false truncation)", async () => {
    await writeFile(path, text(numbered(0, 50)));
    const t = await startTail();
    for (let round = 0; round < 5; round++) {
      await appendFile(path, text(numbered(100 + round * 3, 3)));
      await t.check();
    }
    expect(lines).toEqual(numbered(100, 15));
    expect(t.stats.truncations).toBe(0);
  });

  it("waits for a log that does not exist yet and reads it from its start", async () => {
    const t = await startTail();
    await t.check();
    await writeFile(path, text(["first"]));
    await t.check();
    expect(lines).toEqual(["first"]);
  });

  it("decodes lines in the configured code page", async () => {
    await writeFile(path, "");
    const t = await startTail({ codePage: new CodePage("windows-1251") });
    await appendFile(path, Buffer.concat([Buffer.from("[chat] [", "latin1"), new CodePage("windows-1251").encode("Дмитрий"), Buffer.from("]: \x80\n", "latin1")]));
    await t.check();
    expect(lines).toEqual(["[chat] [Дмитрий]: Ђ"]);
  });

  it("cuts a line longer than maxLineBytes into pieces instead of growing without bound", async () => {
    await writeFile(path, "");
    const t = await startTail({ maxLineBytes: 10 });
    await appendFile(path, `${"x".repeat(25)}\nshort\n`);
    await t.check();
    expect(lines).toEqual(["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx", "short"]);
    expect(t.stats.overlong).toBeGreaterThan(0);
  });

  it("polls on its timer when nothing watches (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    await writeFile(path, "");
    await startTail({ pollInterval: 1000 });
    await appendFile(path, text(["polled"]));
    await vi.advanceTimersByTimeAsync(999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await waitUntil(() => lines.length === 1);
    expect(lines).toEqual(["polled"]);
  });

  it("hears appends through fs.watch without waiting for the poll", async () => {
    await writeFile(path, "");
    await startTail({ pollInterval: 600_000 }, true);
    await appendFile(path, text(["watched"]));
    await vi.waitFor(() => expect(lines).toEqual(["watched"]), { timeout: 5000 });
  });

  it("keeps going when a line listener throws", async () => {
    await writeFile(path, "");
    const t = await startTail();
    const errors: string[] = [];
    t.on("error", (error) => errors.push(error.code));
    t.on("line", (line) => {
      if (line === "b") throw new Error("listener bug");
    });
    await appendFile(path, text(["a", "b", "c"]));
    await t.check();
    expect(lines).toEqual(["a", "b", "c"]);
    expect(errors).toEqual(["SAMP_LOG_ERROR"]);
  });

  it("stops reading after stop()", async () => {
    await writeFile(path, "");
    const t = await startTail();
    await t.stop();
    await appendFile(path, text(["late"]));
    await t.check();
    expect(lines).toEqual([]);
  });
});
