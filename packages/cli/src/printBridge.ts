import { BridgeError, type Bridge, type BridgeEvents } from "@nuwani/bridge";
import { SampError } from "@nuwani/samp";
import { CliError } from "./CliError.js";
import { describeGatewayBot, describeReconnecting } from "./connectionNotices.js";
import { SIMULATED_MARK } from "./markPostedLines.js";
import type { Printer } from "./Printer.js";

/** An error as the CLI prints it: the message, the field at fault, the code (never a stack, never the token). */
export function plainError(error: unknown): string {
  if (error instanceof BridgeError) {
    return `${error.message}${error.field === undefined ? "" : ` [field: ${error.field}]`} (${error.code})`;
  }
  if (error instanceof SampError) {
    return `${error.message}${error.field === undefined ? "" : ` [field: ${error.field}]`} (${error.code})`;
  }
  if (error instanceof CliError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prints what crosses the bridge and what the connection does, until the function it returns
 * is called (before the summary, so that nothing follows it).
 */
export function listen(bridge: Bridge, print: Printer, marked: boolean): () => void {
  const channelNames = new Map<string, string>();
  const removals: Array<() => void> = [];
  const on = <K extends keyof BridgeEvents>(event: K, listener: (...args: BridgeEvents[K]) => void): void => {
    // `as never`: TypeScript cannot resolve Node's conditional listener type for a generic K.
    bridge.on(event, listener as never);
    removals.push(() => bridge.off(event, listener as never));
  };
  const mark = (content: string): string => (marked ? content.replace(/^/gm, SIMULATED_MARK) : content);
  on("gameToDiscord", ({ channelId, content }) => print.line("toDiscord", mark(content), { lead: `#${channelNames.get(channelId) ?? channelId}` }));
  on("command", ({ author, level, content, outcome, replies }) =>
    print.line("bridge", `${author} (${level}) ran ${content.slice(0, 60)} → ${outcome}${replies.length > 0 ? `; replied: ${replies.join(" / ")}` : ""}`),
  );
  on("mention", ({ author, emoji }) => print.line("bridge", `${author} mentioned the bot: reacted with ${emoji}`));
  let lastProgress = -1;
  on("sync", ({ guild, received, expected, done }) => {
    if (done) print.line("bridge", `members of ${guild} synced: ${received} of ${expected}`);
    else if (received !== lastProgress) {
      lastProgress = received;
      const width = 20;
      const filled = expected > 0 ? Math.min(width, Math.round((received / expected) * width)) : width;
      print.line("bridge", `syncing members [${"#".repeat(filled)}${".".repeat(width - filled)}] ${received}/${expected}`);
    }
  });
  on("guildReady", ({ guild, channels }) => {
    for (const channel of Object.values(channels)) channelNames.set(channel.id, channel.name);
    const list = Object.entries(channels)
      .map(([role, channel]) => `${role} → #${channel.name}`)
      .join(", ");
    print.line("bridge", `guild ${guild.name} available; channels: ${list}`);
  });
  on("state", (state, previous) => {
    if (state === "reconnecting" || state === "disconnected") print.line("bridge", `connection lost (${previous} → ${state}); outbox paused`);
  });
  on("gatewayBot", (event) => {
    const notice = describeGatewayBot(event);
    if (notice !== undefined) print.line("bridge", notice);
  });
  on("reconnecting", (event) => print.line("bridge", describeReconnecting(event)));
  on("reconnect", ({ kind }) => print.line("bridge", `session ${kind === "resumed" ? "resumed: missed events replayed" : "identified afresh"}; outbox resumed`));
  on("error", (error) => print.line("error", plainError(error)));
  return () => {
    for (const remove of removals.splice(0)) remove();
  };
}
