// Issue 3's benchmark: stream MESSAGE_CREATE dispatches (gateway v10) from the fake Discord (in a child
// process) to (a) a plain `ws` client that only JSON.parses and (b) a GatewayConnection, in the
// same run, several rounds alternating; print the client's CPU µs per event for both and their
// ratio (target ≤ 1.10). Only this process's CPU is counted (process.cpuUsage), so the fake's
// own work does not dilute the ratio.
//   node gateway-throughput.mjs [--events 100000] [--rounds 5]
/* eslint-disable no-console */
import { once } from "node:events";
import { GatewayConnection } from "@nuwani/gateway";
import WebSocket from "ws";
import { arg, startChild } from "./support.mjs";

const EVENTS = arg("events", 100_000);
// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT, on gateway v10 (GatewayConnection's default).
const INTENTS = 1 | 512 | 32768;
const ROUNDS = arg("rounds", 5);

const { child, nextLine } = startChild("./fake-server.mjs");
const [, gatewayUrl, token] = (await nextLine()).split(" ");

/** Streams EVENTS dispatches and returns the CPU µs this process spent until the last arrived. */
async function measure(client) {
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  client.expect(EVENTS, resolveDone);
  const cpu = process.cpuUsage();
  child.stdin.write(`stream ${EVENTS}\n`);
  await done;
  const used = process.cpuUsage(cpu);
  await nextLine(); // "sent N"
  return (used.user + used.system) / EVENTS;
}

/** (a) The baseline: a bare ws client that identifies once and JSON.parses every message. */
async function plainClient() {
  const ws = new WebSocket(`${gatewayUrl}/?v=10&encoding=json`, { perMessageDeflate: false });
  let remaining = 0;
  let onDone = () => {};
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  ws.on("message", (data) => {
    const payload = JSON.parse(data.toString());
    if (payload.op === 10) {
      ws.send(JSON.stringify({ op: 2, d: { token, intents: INTENTS, properties: { os: "linux", browser: "bench", device: "bench" } } }));
    } else if (payload.t === "READY") {
      ready();
    } else if (payload.t === "MESSAGE_CREATE" && --remaining === 0) {
      onDone();
    }
  });
  await isReady;
  return {
    expect(count, done) {
      remaining = count;
      onDone = done;
    },
    close: () => ws.close(1000),
  };
}

/** (b) The real thing: GatewayConnection over ReconnectingSocket over WsTransport. */
async function gatewayClient() {
  const gateway = new GatewayConnection({ token, url: gatewayUrl, intents: INTENTS });
  let remaining = 0;
  let onDone = () => {};
  gateway.on("dispatch", (payload) => {
    if (payload.t === "MESSAGE_CREATE" && --remaining === 0) onDone();
  });
  await gateway.connect();
  return {
    expect(count, done) {
      remaining = count;
      onDone = done;
    },
    close: () => gateway.destroy(),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { plain: [], gateway: [] };

console.log(`gateway throughput: ${EVENTS} MESSAGE_CREATE per round, ${ROUNDS} rounds, client CPU only`);
// One warm-up round each (JIT), not counted.
for (const make of [plainClient, gatewayClient]) {
  const client = await make();
  await measure(client);
  client.close();
}
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, make] of round % 2 ? [["plain", plainClient], ["gateway", gatewayClient]] : [["gateway", gatewayClient], ["plain", plainClient]]) {
    const client = await make();
    const perEvent = await measure(client);
    client.close();
    results[name].push(perEvent);
    console.log(`  round ${round} ${name.padEnd(7)} ${perEvent.toFixed(2)} µs/event`);
  }
}
const plain = median(results.plain);
const gateway = median(results.gateway);
console.log(`plain ws + JSON.parse : ${plain.toFixed(2)} µs/event (median of ${ROUNDS})`);
console.log(`GatewayConnection     : ${gateway.toFixed(2)} µs/event (median of ${ROUNDS})`);
console.log(`ratio                 : ${(gateway / plain).toFixed(3)} (target ≤ 1.10)`);
child.stdin.write("quit\n");
await once(child, "exit");
