import { type DiscordTracker, Permissions } from "@nuwani/tracker";
import { BridgeError } from "./BridgeError.js";
import { describeError, type BridgeContext } from "./BridgeContext.js";
import type { PlayerLevel } from "@nuwani/game";

/** An `@everyone` permission overwrite's bits. */
interface Overwrite {
  readonly allow: bigint;
  readonly deny: bigint;
}

/**
 * LVP's `<command:MODE>+m` / `-m` echo on Discord. `+m` pauses a channel role's relay into the
 * game for members below the exempt level (IRC's voice) and, where Discord lets the bot (see
 * `overwriteChangeMissing`), denies SEND_MESSAGES to `@everyone` in that channel, remembering
 * the overwrite it replaced; `-m` undoes exactly that. What Discord would refuse is never sent.
 * @internal
 */
export class ChannelModes {
  readonly #context: BridgeContext;
  /** Who may still talk into the game from a muted channel: this level and up. */
  readonly exempt: PlayerLevel;
  /** Channel roles muted by `+m`. */
  readonly #muted = new Set<string>();
  /**
   * What `+m` changed on Discord, per channel id: the `@everyone` overwrite before it (`null`:
   * there was none, so `-m` deletes it). No entry: `+m` changed nothing there.
   */
  readonly #undo = new Map<string, Overwrite | null>();
  /**
   * @everyone's overwrite per channel id as our last `+m`/`-m` left it (`null`: none), until
   * the tracker's next CHANNEL_UPDATE of that channel: a `+m` right after a `-m` must not read
   * the tracker before it heard of the `-m`.
   */
  readonly #known = new Map<string, Overwrite | null>();
  /** The channel permission changes, one at a time and in order. */
  #chain: Promise<void> = Promise.resolve();

  constructor(context: BridgeContext, exempt: PlayerLevel) {
    this.#context = context;
    this.exempt = exempt;
  }

  /** Whether `+m` muted the channel role `role`. */
  isMuted(role: string): boolean {
    return this.#muted.has(role);
  }

  /** The tracker saw the channel change: what we remembered of its overwrite is stale. */
  forget(channelId: string): void {
    this.#known.delete(channelId);
  }

  /** Carries out a MODE echo: the relay pause at once, the Discord permissions in order. */
  apply(tag: string, role: string, mute: boolean): void {
    const { events } = this.#context;
    if (mute) this.#muted.add(role);
    else this.#muted.delete(role);
    events.emit("debug", `channel role ${role} ${mute ? "muted (+m)" : "unmuted (-m)"} by echo "${tag}"`);
    events.emit("channelMode", { channel: role, muted: mute });
    const run = (): Promise<void> => this.#change(tag, role, mute);
    const next = this.#chain.then(run, run);
    this.#chain = next;
    this.#context.track(next);
  }

  /**
   * `+m` denies SEND_MESSAGES to `@everyone` (the overwrite whose id is the guild's) in the
   * role's channel, remembering the overwrite it replaced; `-m` restores exactly that (or
   * deletes the overwrite `+m` created). A `+m` that changed nothing (already denied, no
   * permission, channel unknown) is not undone. Failures are reported, never thrown.
   */
  async #change(tag: string, role: string, mute: boolean): Promise<void> {
    const { guildId, channels, stopped, events } = this.#context;
    const channelId = channels?.get(role);
    if (stopped || guildId === undefined || channelId === undefined) {
      events.emit("debug", `echo "${tag}": the ${role} channel is not known, so its Discord permissions are left alone`);
      return;
    }
    const reason = `LVP ${mute ? "+m" : "-m"} (echo ${tag})`;
    if (mute) await this.#mute(tag, role, guildId, channelId, reason);
    else await this.#unmute(tag, role, guildId, channelId, reason);
  }

  /** @everyone's overwrite in the channel as we last left it, else as the tracker has it; `undefined` when there is none. */
  #current(guildId: string, channelId: string): Overwrite | undefined {
    if (this.#known.has(channelId)) return this.#known.get(channelId) ?? undefined;
    return this.#context.tracker.getChannel(channelId)?.overwrites.find((overwrite) => overwrite.id === guildId && overwrite.type === "role");
  }

  async #unmute(tag: string, role: string, guildId: string, channelId: string, reason: string): Promise<void> {
    const { rest, events } = this.#context;
    if (!this.#undo.has(channelId)) {
      events.emit("debug", `echo "${tag}": +m changed nothing in the ${role} channel's permissions; nothing to undo`);
      return;
    }
    const previous = this.#undo.get(channelId)!;
    const missing = overwriteChangeMissing(this.#context.tracker, guildId, channelId, this.#current(guildId, channelId), previous);
    if (missing !== 0n) {
      // Kept: a later -m tries again, once the bot holds what it needs.
      this.#context.report(
        new BridgeError(
          "BRIDGE_PERMISSION_MISSING",
          `echo "${tag}": could not restore @everyone's permissions: ${lacking(missing, role)}, so @everyone may still not write there`,
          { tag, channel: channelId },
        ),
      );
      return;
    }
    try {
      if (previous === null) await rest.deleteChannelPermission(channelId, guildId, reason);
      else await rest.editChannelPermissions(channelId, guildId, { type: 0, allow: previous.allow.toString(), deny: previous.deny.toString() }, reason);
      this.#undo.delete(channelId);
      this.#known.set(channelId, previous);
      events.emit("debug", `echo "${tag}": @everyone's overwrite in the ${role} channel restored`);
    } catch (cause) {
      // Kept: the next -m tries again.
      this.#context.report(
        new BridgeError("BRIDGE_RELAY_FAILED", `echo "${tag}": could not restore @everyone's permissions in the ${role} channel (${describeError(cause)})`, { cause }),
      );
    }
  }

  async #mute(tag: string, role: string, guildId: string, channelId: string, reason: string): Promise<void> {
    const { rest, tracker, events } = this.#context;
    if (this.#undo.has(channelId)) return; // already muted by us
    const refuse = (missing: bigint): void =>
      this.#context.report(
        new BridgeError("BRIDGE_PERMISSION_MISSING", `echo "${tag}": ${lacking(missing, role)}, so @everyone may still write there; only the relay into the game is paused`, {
          tag,
          channel: channelId,
        }),
      );
    if ((tracker.permissionsOf(channelId) & Permissions.MANAGE_ROLES) === 0n) {
      refuse(Permissions.MANAGE_ROLES);
      return;
    }
    const current = this.#current(guildId, channelId);
    if (current !== undefined && (current.deny & Permissions.SEND_MESSAGES) !== 0n && (current.allow & Permissions.SEND_MESSAGES) === 0n) {
      events.emit("debug", `echo "${tag}": @everyone may already not write in the ${role} channel; nothing to change`);
      return;
    }
    const allow = (current?.allow ?? 0n) & ~Permissions.SEND_MESSAGES;
    const deny = (current?.deny ?? 0n) | Permissions.SEND_MESSAGES;
    // Checked before the call: Discord refuses (403 50013) the whole change otherwise.
    const missing = overwriteChangeMissing(tracker, guildId, channelId, current, { allow, deny });
    if (missing !== 0n) {
      refuse(missing);
      return;
    }
    try {
      await rest.editChannelPermissions(channelId, guildId, { type: 0, allow: allow.toString(), deny: deny.toString() }, reason);
      this.#undo.set(channelId, current === undefined ? null : { allow: current.allow, deny: current.deny });
      this.#known.set(channelId, { allow, deny });
      events.emit("debug", `echo "${tag}": @everyone may no longer write in the ${role} channel`);
    } catch (cause) {
      this.#context.report(new BridgeError("BRIDGE_RELAY_FAILED", `echo "${tag}": could not deny @everyone SEND_MESSAGES in the ${role} channel (${describeError(cause)})`, { cause }));
    }
  }
}

/** The single permission bits by name, for messages. */
const BIT_NAMES: ReadonlyArray<readonly [string, bigint]> = Object.entries(Permissions).filter(([name]) => name !== "ALL");

/** Why the bot may not change @everyone's overwrite in the `role` channel, for a message. */
function lacking(missing: bigint, role: string): string {
  if (missing === Permissions.MANAGE_ROLES) return `the bot lacks MANAGE_ROLES in the ${role} channel`;
  const named = BIT_NAMES.filter(([, bit]) => (missing & bit) !== 0n);
  const unnamed = named.reduce((rest, [, bit]) => rest & ~bit, missing);
  const names = [...named.map(([name]) => name), ...(unnamed === 0n ? [] : [`bits ${unnamed.toString()}`])];
  return `the bot may not change ${names.join(", ")} in @everyone's overwrite of the ${role} channel (Discord lets a bot allow or deny only bits it holds in the guild or the channel's category)`;
}

/**
 * The permission bits the bot lacks to change an overwrite of `channelId` from `before` (none:
 * `undefined`) to `after` (`null`: delete it), by the tracker's view; `0n` when Discord would
 * allow the change. Discord's rule (discord-api-docs, Edit Channel Permissions and Delete
 * Channel Permission): both need MANAGE_ROLES in the channel; an edit may only allow or deny
 * "permissions your bot has in the guild or parent channel (if applicable) … (unless your bot
 * has a MANAGE_ROLES overwrite in the channel)". A bit held only through the channel's own
 * overwrites does not count (discord-api-docs#3450); the owner and ADMINISTRATOR may change
 * every bit. Only the bits whose state changes are checked, as the fake Discord does.
 */
function overwriteChangeMissing(tracker: DiscordTracker, guildId: string, channelId: string, before: Overwrite | undefined, after: Overwrite | null): bigint {
  if ((tracker.permissionsOf(channelId) & Permissions.MANAGE_ROLES) === 0n) return Permissions.MANAGE_ROLES;
  if (after === null) return 0n;
  const changed = ((before?.allow ?? 0n) ^ after.allow) | ((before?.deny ?? 0n) ^ after.deny);
  if (changed === 0n) return 0n;
  const base = tracker.permissionsOf(guildId);
  if ((base & Permissions.ADMINISTRATOR) !== 0n) return 0n;
  const botId = tracker.botUser?.id;
  const roles = botId === undefined ? [] : (tracker.getMember(guildId, botId)?.roles ?? []);
  const channel = tracker.getChannel(channelId);
  const manageRolesOverwrite = channel?.overwrites.some(
    (overwrite) =>
      (overwrite.allow & Permissions.MANAGE_ROLES) !== 0n &&
      (overwrite.id === guildId || (overwrite.type === "role" && roles.includes(overwrite.id)) || (overwrite.type === "member" && overwrite.id === botId)),
  );
  if (manageRolesOverwrite === true) return 0n;
  const parent = channel?.parentId == null ? undefined : tracker.getChannel(channel.parentId);
  const held = parent?.type === 4 ? tracker.permissionsOf(parent.id) : base;
  return changed & ~held;
}
