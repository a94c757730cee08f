import type { BridgeRest } from "@nuwani/bridge";
import { splitMessage } from "@nuwani/rest";

/** What every line the simulated game posts into a real (configured) Discord starts with. */
export const SIMULATED_MARK = "[simulated] ";

/**
 * Wraps a REST client so that every line of every message it posts starts with `mark`: what
 * the simulated game makes the bridge post into a configured guild can never pass for real
 * game traffic. A message that grows past Discord's 2000 characters is split (on line
 * boundaries where possible) and its pieces are posted in order.
 */
export function markPostedLines<R extends BridgeRest>(rest: R, mark: string = SIMULATED_MARK): BridgeRest {
  const marked: BridgeRest = {
    async createMessage(channelId, body) {
      const content = body.content
        .split("\n")
        .map((line) => `${mark}${line}`)
        .join("\n");
      let last: unknown;
      for (const piece of splitMessage(content, { maxLength: 2000 - mark.length })) {
        last = await rest.createMessage(channelId, { ...body, content: piece.startsWith(mark) ? piece : `${mark}${piece}` });
      }
      return last;
    },
    createReaction: (channelId, messageId, emoji) => rest.createReaction(channelId, messageId, emoji),
    destroy: () => rest.destroy?.(),
  };
  // Reading, not posting: passed through, so the bridge still learns the session start limit.
  const getGatewayBot = rest.getGatewayBot?.bind(rest);
  if (getGatewayBot !== undefined) marked.getGatewayBot = getGatewayBot;
  return marked;
}
