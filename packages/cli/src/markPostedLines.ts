import type { BridgeRest } from "@nuwani/bridge";
import { splitMessage } from "@nuwani/rest";

/** What every line the simulated game posts into a real (configured) Discord starts with. */
export const SIMULATED_MARK = "[simulated] ";

/**
 * Wraps a REST client so that every line of every message it posts starts with `mark`: what
 * the simulated game makes the bridge post into a configured guild can never pass for real
 * game traffic. A message that grows past Discord's 2000 characters is split (on line
 * boundaries where possible) and its pieces are posted in order. Direct messages are marked the
 * same way; channel permission changes (LVP's `+m`/`-m`) are refused, never sent.
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
    // Opening a DM channel posts nothing; what is sent there goes through createMessage, marked.
    createDM: (userId) => rest.createDM(userId),
    // A simulated +m/-m must not change a real guild's permissions.
    editChannelPermissions: () => Promise.reject(new Error("the simulated game does not change the guild's channel permissions")),
    deleteChannelPermission: () => Promise.reject(new Error("the simulated game does not change the guild's channel permissions")),
    destroy: () => rest.destroy?.(),
  };
  // Reading, not posting: passed through, so the bridge still learns the session start limit.
  const getGatewayBot = rest.getGatewayBot?.bind(rest);
  if (getGatewayBot !== undefined) marked.getGatewayBot = getGatewayBot;
  return marked;
}
