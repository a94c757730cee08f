import { BridgeError } from "./BridgeError.js";
import { describeError, type BridgeContext } from "./BridgeContext.js";
import type { ChannelModes } from "./ChannelModes.js";
import { ECHO_PRIORITIES, formatEcho, type EchoFormats, type EchoPriority, type FormattedEcho } from "./formats.js";
import type { EchoParam } from "@nuwani/game";
import { escapeForDiscord, stripControlCharacters } from "./sanitize.js";

interface PendingLine {
  /** The channel role; ignored for a direct message. */
  readonly role: string;
  /** A direct message (LVP's NOTICE) to the member this names, instead of a channel. */
  readonly recipient?: string;
  /** The echo tag, for reports. */
  readonly tag?: string;
  readonly text: string;
  readonly priority: EchoPriority;
  readonly coalesceKey: string | null;
}

/**
 * Game → Discord: the game's echo calls, formatted, routed to the outbox keyed by the resolved
 * channel (or the member's DM channel for LVP's NOTICE), and kept in bounded memory while the
 * guild's channels are not known yet. Every line is counted: what it cannot route is dropped
 * and counted, never lost silently.
 * @internal
 */
export class EchoRouter {
  readonly #context: BridgeContext;
  readonly #modes: ChannelModes;
  readonly #formats: EchoFormats;
  readonly #maxPending: number;
  readonly #pending: PendingLine[] = [];
  /** Lines dropped before the outbox (no channel, no member, over `maxPending`). */
  #unroutable = 0;
  readonly #warnedRoles = new Set<string>();
  /** DM channel ids by user id (a promise while opening). */
  readonly #dmChannels = new Map<string, Promise<string>>();
  /** NOTICE lines waiting for their DM channel to open. */
  #opening = 0;
  readonly #notices = { unresolved: 0, failed: 0 };

  constructor(context: BridgeContext, modes: ChannelModes, formats: EchoFormats, maxPending: number) {
    this.#context = context;
    this.#modes = modes;
    this.#formats = formats;
    this.#maxPending = maxPending;
  }

  /** Lines held before the outbox: pending, and NOTICE lines waiting for their DM channel. */
  get held(): number {
    return this.#pending.length + this.#opening;
  }

  /** Admin lines pending (channels not known yet). */
  get heldAdmin(): number {
    return this.#pending.filter((line) => line.priority === "admin").length;
  }

  /** Lines dropped before the outbox. */
  get unroutable(): number {
    return this.#unroutable;
  }

  /** NOTICE lines that named no single member, or whose DM channel did not open. */
  get notices(): { readonly unresolved: number; readonly failed: number } {
    return { ...this.#notices };
  }

  /** One echo call of the game. */
  echo(tag: string, params: readonly EchoParam[]): void {
    let line: FormattedEcho | null;
    try {
      line = formatEcho(tag, params, this.#formats);
    } catch (error) {
      // A call the format cannot render (too few parameters, an unmapped target): LVP's
      // formatter throws too. Reported, never thrown into the game.
      this.#context.report(error instanceof BridgeError ? error : new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}" failed (${describeError(error)})`, { tag, cause: error }));
      return;
    }
    if (line === null) return;
    if (line.kind === "mode") {
      // LVP's +m/-m on the echo channel: on Discord, the relay into the game pauses for
      // people below the exempt level (IRC's voice: VIPs and up) until -m, and where the bot
      // may, @everyone is denied SEND_MESSAGES there (undone exactly by -m).
      this.#modes.apply(tag, line.channel, line.mute);
      return;
    }
    if (line.kind === "notice") {
      this.#queue({ role: "", recipient: line.recipient, tag, text: line.text, priority: line.priority, coalesceKey: null });
      return;
    }
    this.#queue({ role: line.channel, text: line.text, priority: line.priority, coalesceKey: line.coalesceKey });
  }

  /** The game's watchdog: an alert in the admin channel when it goes down, a line when it is back. */
  health(state: "down" | "up", detail: string): void {
    const text = state === "down" ? `⚠️ The game server is unreachable: ${escapeForDiscord(detail)}` : `✅ The game server is reachable again: ${escapeForDiscord(detail)}`;
    this.#queue({ role: "admin", text, priority: "admin", coalesceKey: null });
  }

  /** Routes the lines held while the channels were not known (call once they are). */
  flushPending(): void {
    for (const line of this.#pending.splice(0)) this.#route(line);
  }

  /** Routes a line for Discord, or keeps it while the guild's channels are not known yet. */
  #queue(pending: PendingLine): void {
    if (this.#context.channels === null) {
      // Full: a line makes room by evicting one of a lower priority, so admin lines are kept.
      if (this.#pending.length >= this.#maxPending && !this.#evictPendingBelow(pending.priority)) {
        this.#unroutable++;
        return;
      }
      this.#pending.push(pending);
      return;
    }
    this.#route(pending);
  }

  /** Drops the newest pending line of the lowest priority below `priority` (counted dropped); false if none. */
  #evictPendingBelow(priority: EchoPriority): boolean {
    const above = ECHO_PRIORITIES.indexOf(priority);
    for (let rank = ECHO_PRIORITIES.length - 1; rank > above; rank--) {
      const lower = ECHO_PRIORITIES[rank];
      for (let i = this.#pending.length - 1; i >= 0; i--) {
        if (this.#pending[i]!.priority !== lower) continue;
        this.#pending.splice(i, 1);
        this.#unroutable++;
        return true;
      }
    }
    return false;
  }

  #route(line: PendingLine): void {
    if (line.recipient !== undefined) {
      this.#routeNotice(line, line.recipient);
      return;
    }
    const channelId = this.#context.channels?.get(line.role);
    if (channelId === undefined) {
      this.#unroutable++;
      if (!this.#warnedRoles.has(line.role)) {
        this.#warnedRoles.add(line.role);
        this.#context.events.emit("debug", `no channel for role "${line.role}": its lines are dropped`);
      }
      return;
    }
    this.#context.outbox.enqueue(channelId, line.text, line.priority, line.coalesceKey);
  }

  /**
   * LVP's NOTICE: a direct message to the member `recipient` names (`<@id>`, id, nickname,
   * username or global name, as the tracker resolves it), through the outbox keyed by the DM
   * channel (opened once per member and cached). No single member → reported, counted, dropped.
   */
  #routeNotice(line: PendingLine, recipient: string): void {
    const { guildId, tracker } = this.#context;
    const member = guildId === undefined ? undefined : tracker.resolveMember(guildId, recipient);
    if (member === undefined) {
      this.#unroutable++;
      this.#notices.unresolved++;
      this.#context.report(
        new BridgeError("BRIDGE_RECIPIENT_UNRESOLVED", `echo "${line.tag ?? "?"}" is a direct message to ${JSON.stringify(stripControlCharacters(recipient))}, which names no member of the guild (or several): dropped`, {
          field: "target",
          ...(line.tag === undefined ? {} : { tag: line.tag }),
        }),
      );
      return;
    }
    const channel = this.#dmChannel(member.user.id);
    this.#opening++;
    this.#context.track(
      channel.then(
        (channelId) => {
          this.#opening--;
          if (this.#context.stopped) {
            this.#unroutable++;
            return;
          }
          this.#context.outbox.enqueue(channelId, line.text, line.priority, null);
        },
        (cause: unknown) => {
          this.#opening--;
          this.#unroutable++;
          this.#notices.failed++;
          this.#context.report(
            new BridgeError("BRIDGE_RELAY_FAILED", `could not open a direct message to ${stripControlCharacters(member.displayName)} for echo "${line.tag ?? "?"}" (${describeError(cause)})`, { cause }),
          );
        },
      ),
    );
  }

  /** The DM channel id of a user, opened once and cached (a failure is not remembered: the next NOTICE tries again). */
  #dmChannel(userId: string): Promise<string> {
    let channel = this.#dmChannels.get(userId);
    if (channel === undefined) {
      channel = this.#context.rest.createDM(userId).then((dm) => dm.id);
      this.#dmChannels.set(userId, channel);
      channel.catch(() => this.#dmChannels.delete(userId));
    }
    return channel;
  }
}
