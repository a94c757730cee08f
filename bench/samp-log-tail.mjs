// Issue 11's log benchmark: how fast @nuwani/samp's LogTail reads and parses an SA-MP server
// log. A 200,000-line server_log.txt (timestamps on; chat, joins, parts, kills, deaths and
// [nuwani] echo lines) is read from its start by LogTail with parseLogLine on every line, and
// by a plain baseline in the same run (fs read in 64 KiB chunks, split at \n, decode
// windows-1252, nothing else). Prints lines per second, CPU µs per line (user + system), and
// the ratio against the baseline; median of 5 rounds after a warm-up. Asserts nothing.
//   node samp-log-tail.mjs [--lines 200000] [--rounds 5]
/* eslint-disable no-console */
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CodePage, LogTail, formatEchoLine, parseLogLine } from "@nuwani/samp";
import { arg } from "./support.mjs";

const LINES = arg("lines", 200_000);
const ROUNDS = arg("rounds", 5);

const names = ["Gunther", "Russell", "Luce", "[BB]Joe", "Jörg", "Kase", "Xanland", "Fenix"];
function line(index) {
  const time = `[${String(Math.floor(index / 3600) % 24).padStart(2, "0")}:${String(Math.floor(index / 60) % 60).padStart(2, "0")}:${String(index % 60).padStart(2, "0")}] `;
  const a = names[index % names.length];
  const b = names[(index + 3) % names.length];
  switch (index % 10) {
    case 0: return `${time}[join] ${a} has joined the server (${index % 500}:127.0.0.1)`;
    case 1: return `${time}[part] ${a} has left the server (${index % 500}:1)`;
    case 2: return `${time}[kill] ${a} killed ${b} Desert Eagle`;
    case 3: return `${time}[death] ${a} died 54`;
    case 4: return `${time}${formatEchoLine("notice-report", [a, index % 500, b, (index + 3) % 500, "cheating \t with \\ tabs"])}`;
    case 5: return `${time}Incoming connection: 127.0.0.1:${50_000 + (index % 1000)} id: ${index % 500}`;
    default: return `${time}[chat] [${a}]: this is chat line number ${index} with “curly quotes” and €uros`;
  }
}

const dir = await mkdtemp(join(tmpdir(), "nuwani-bench-"));
const path = join(dir, "server_log.txt");
const codePage = new CodePage("windows-1252");
await writeFile(path, codePage.encode(Array.from({ length: LINES }, (_, index) => `${line(index)}\n`).join("")));

const cpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

async function baseline() {
  const handle = await open(path, "r");
  const buffer = Buffer.alloc(64 * 1024);
  let offset = 0;
  let rest = Buffer.alloc(0);
  let count = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
    const data = Buffer.concat([rest, buffer.subarray(0, bytesRead)]);
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      if (codePage.decode(data.subarray(start, end)).length > 0) count++;
      start = end + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
  await handle.close();
  return count;
}

async function tail() {
  const logTail = new LogTail({ path, codePage, fromStart: true, watch: false, pollInterval: 600_000 });
  let count = 0;
  let events = 0;
  logTail.on("line", (text) => {
    count++;
    if (parseLogLine(text) !== undefined) events++;
  });
  await logTail.start();
  await logTail.check();
  await logTail.stop();
  return { count, events };
}

async function measure(run) {
  const cpuBefore = cpu();
  const started = performance.now();
  const result = await run();
  return { result, cpuMicros: cpu() - cpuBefore, wallMs: performance.now() - started };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

await baseline();
await tail();
const base = [];
const ours = [];
let parsedEvents = 0;
for (let round = 0; round < ROUNDS; round++) {
  const b = await measure(baseline);
  if (b.result !== LINES) throw new Error(`baseline counted ${b.result} lines, expected ${LINES}`);
  base.push(b);
  const t = await measure(tail);
  if (t.result.count !== LINES) throw new Error(`LogTail emitted ${t.result.count} lines, expected ${LINES}`);
  parsedEvents = t.result.events;
  ours.push(t);
}
await rm(dir, { recursive: true, force: true });

const perLine = (runs) => median(runs.map((r) => r.cpuMicros)) / LINES;
const perSecond = (runs) => LINES / (median(runs.map((r) => r.wallMs)) / 1000);
console.log(`samp log tail: ${LINES} lines (${parsedEvents} parsed as events), median of ${ROUNDS} rounds`);
console.log(`  baseline (read + split + decode): ${Math.round(perSecond(base)).toLocaleString("en-US")} lines/s, ${perLine(base).toFixed(2)} µs CPU/line`);
console.log(`  LogTail + parseLogLine:           ${Math.round(perSecond(ours)).toLocaleString("en-US")} lines/s, ${perLine(ours).toFixed(2)} µs CPU/line`);
console.log(`  ratio (CPU per line, ours / baseline): ${(perLine(ours) / perLine(base)).toFixed(2)}`);
