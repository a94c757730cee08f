// Issue 9's benchmark: 20 abrupt drops (TCP destroyed, no close frame) spread evenly over a
// 20,000-dispatch stream from the fake Discord (a child process), received by (a)
// GatewayConnection with its defaults and (b) @discordjs/ws's WebSocketManager, against the
// same fake in the same run, rounds alternating. Prints the wall-clock time from the first
// dispatch sent to the last one received for both (median of the rounds) and their ratio
// (target ≤ 0.25), after checking that each client got every dispatch exactly once and in
// order, and that ours identified once per round (every drop resumed).
//   node gateway-resume.mjs [--events 20000] [--drops 20] [--rounds 3]
/* eslint-disable no-console */
import { once } from "node:events";
import { WebSocketManager, WebSocketShardEvents } from "@discordjs/ws";
import { GatewayConnection } from "@nuwani/gateway";
import { arg, startChild } from "./support.mjs";

const EVENTS = arg("events", 20_000);
const DROPS = arg("drops", 20);
const ROUNDS = arg("rounds", 3);
const INTENTS = 1; // GUILDS; the bench's own dispatches go to every session

const { child, nextLine } = startChild("./gateway-resume-server.mjs");
const [, gatewayUrl, token] = (await nextLine()).split(" ");

/** Counts NUWANI_BENCH dispatches; any duplicate, gap or reordering is an error. */
function receiver() {
  const state = { next: 0, errors: 0, done: undefined, onDone: () => {} };
  state.done = new Promise((resolve) => (state.onDone = resolve));
  state.take = (payload) => {
    if (payload.t !== "NUWANI_BENCH") return;
    if (payload.d.i !== state.next) state.errors++;
    state.next = Math.max(state.next, payload.d.i + 1);
    if (state.next === EVENTS) state.onDone();
  };
  return state;
}

/** (a) GatewayConnection with its defaults (v10, backoff, jitter). */
async function nuwaniClient(take) {
  const gateway = new GatewayConnection({ token, url: gatewayUrl, intents: INTENTS });
  gateway.on("dispatch", take);
  await gateway.connect({ timeout: 30_000 });
  return { close: async () => gateway.destroy() };
}

/** (b) @discordjs/ws, pointed at the fake (GET /gateway/bot answered locally). */
async function discordjsClient(take) {
  const sessions = new Map();
  const manager = new WebSocketManager({
    token,
    intents: INTENTS,
    shardCount: 1,
    rest: {
      get: async () => ({
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    },
    // Its default session store is shared by every manager of the process.
    retrieveSessionInfo: (shardId) => sessions.get(shardId) ?? null,
    updateSessionInfo: (shardId, info) => (info ? sessions.set(shardId, info) : sessions.delete(shardId)),
  });
  manager.on(WebSocketShardEvents.Dispatch, take);
  await manager.connect();
  return { close: () => manager.destroy() };
}

async function measure(name, make) {
  const received = receiver();
  const client = await make(received.take);
  const start = performance.now();
  child.stdin.write(`run ${EVENTS} ${DROPS}\n`);
  const sent = nextLine();
  await received.done;
  const ms = performance.now() - start;
  await sent;
  child.stdin.write("stats\n");
  const stats = Object.fromEntries((await nextLine()).split(" ").slice(1).map((pair) => pair.split("=").map((v, i) => (i ? Number(v) : v))));
  await client.close();
  const exact = received.errors === 0 && received.next === EVENTS;
  return { name, ms, exact, ...stats };
}

console.log(`gateway resume: ${EVENTS} dispatches, ${DROPS} abrupt drops spread over them, ${ROUNDS} rounds`);
const results = { nuwani: [], discordjs: [] };
let ok = true;
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 ? [["nuwani", nuwaniClient], ["discordjs", discordjsClient]] : [["discordjs", discordjsClient], ["nuwani", nuwaniClient]];
  for (const [name, make] of order) {
    const result = await measure(name, make);
    results[name].push(result.ms);
    const fine = result.exact && (name !== "nuwani" || (result.identifies === 0 && result.resumes === DROPS));
    ok &&= fine;
    console.log(
      `  round ${round} ${name.padEnd(9)} ${(result.ms / 1000).toFixed(2)} s  exactly once, in order: ${result.exact ? "yes" : "NO"}  identifies during the stream: ${result.identifies}  resumes: ${result.resumes}`,
    );
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const nuwani = median(results.nuwani);
const discordjs = median(results.discordjs);
console.log(`GatewayConnection : ${(nuwani / 1000).toFixed(2)} s (median of ${ROUNDS})`);
console.log(`@discordjs/ws     : ${(discordjs / 1000).toFixed(2)} s (median of ${ROUNDS})`);
console.log(`ratio             : ${(nuwani / discordjs).toFixed(3)} (target ≤ 0.25)`);
console.log(`checks            : ${ok ? "every dispatch exactly once and in order; ours identified once and resumed every drop" : "FAILED (see the rounds above)"}`);
child.stdin.write("quit\n");
await once(child, "exit");
process.exitCode = ok ? 0 : 1;
