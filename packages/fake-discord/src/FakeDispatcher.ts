import { isRecord } from "@nuwani/util";
import type { FakeDispatchOptions } from "./FakeDiscordOptions.js";
import type { FakeGuilds } from "./FakeGuilds.js";
import { envelope, type FakeSession } from "./FakeSession.js";
import { intentForEvent, Intents } from "./Intents.js";
import { type CreatedMessage, type MessageInput, MessageSerializer } from "./serializeMessage.js";
import { snowflake } from "./snowflake.js";

const MESSAGE_CREATE_PREFIX = '{"op":0,"t":"MESSAGE_CREATE","s":';

/** What decides whether a session gets a dispatch: its intent and its guild. */
interface Route {
  intent: number;
  guildId: string | undefined;
  /** The bot's own GUILD_MEMBER_UPDATE, which every session gets whatever its intents. */
  self: boolean;
}

/** @internal The envelope prefix of a dispatch of event `t`. */
export function dispatchPrefix(t: string): string {
  return `{"op":0,"t":${JSON.stringify(t)},"s":`;
}

/**
 * @internal Gives a dispatch to a session: the session numbers it (and keeps it for a resume
 * unless `replay` is false) and, when connected, sends it.
 */
export function sendDispatch(session: FakeSession, prefix: string, d: string, replay = true): void {
  const s = session.append(prefix, d, replay);
  const connection = session.connection;
  if (session.state === "connected" && connection !== undefined) connection.send(envelope(prefix, s, d));
}

/** @internal What {@link FakeDispatcher} needs from the fake. */
export interface FakeDispatcherHost {
  /** Every session the fake knows, by id. */
  readonly sessions: ReadonlyMap<string, FakeSession>;
  readonly guilds: FakeGuilds;
  readonly botId: string;
  now(): number;
}

/**
 * @internal The fake's outgoing dispatches (op 0) to its live sessions, routed by intents and
 * shards: `FakeDiscord.dispatch` and the cheap MESSAGE_CREATE stream.
 */
export class FakeDispatcher {
  readonly #host: FakeDispatcherHost;
  readonly #messages = new MessageSerializer();
  #messageCounter = 0;
  #lastMessageTime = Number.NaN;
  #lastMessageIso = "";
  #lastMessageBase = 0n;

  /** A dispatcher over the host's sessions. */
  constructor(host: FakeDispatcherHost) {
    this.#host = host;
  }

  /** Sessions that get dispatches (connected, or waiting for a resume): all, or the one named. */
  *liveSessions(sessionId: string | undefined): Generator<FakeSession> {
    const { sessions } = this.#host;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (session !== undefined && (session.state === "connected" || session.state === "disconnected")) yield session;
      return;
    }
    for (const session of sessions.values()) {
      if (session.state === "connected" || session.state === "disconnected") yield session;
    }
  }

  /** See `FakeDiscord.dispatch`. @returns how many sessions it was given to */
  dispatch(t: string, d: unknown, options: FakeDispatchOptions = {}): number {
    const perSession = typeof d === "function" ? (d as (session: FakeSession) => unknown) : undefined;
    const shared = perSession === undefined ? JSON.stringify(d ?? null) : undefined;
    const routing = perSession === undefined ? this.#route(t, d) : undefined;
    const prefix = dispatchPrefix(t);
    let count = 0;
    for (const session of this.liveSessions(options.sessionId)) {
      let text = shared;
      let route = routing;
      if (perSession !== undefined) {
        const own = perSession(session);
        if (own === undefined) continue;
        text = JSON.stringify(own);
        route = this.#route(t, own);
      }
      if (options.force !== true && route !== undefined && !receives(session, route)) continue;
      sendDispatch(session, prefix, text ?? "null");
      count++;
    }
    return count;
  }

  /** See `FakeDiscord.messageCreate`. */
  messageCreate(message: MessageInput, options: FakeDispatchOptions = {}): CreatedMessage {
    const created = this.#created(message);
    const route: Route = {
      intent: intentForEvent("MESSAGE_CREATE", created.guildId !== null),
      guildId: created.guildId ?? undefined,
      self: false,
    };
    let v6: string | undefined;
    let v10: string | undefined;
    let v10Empty: string | undefined;
    // v10 without MESSAGE_CONTENT: empty content (embeds, attachments and components are
    // always empty here), except in DMs, when the bot is mentioned, and for its own messages.
    const botId = this.#host.botId;
    const author = "user" in message.author ? message.author.user : message.author;
    const readable = created.guildId === null || author.id === botId || (message.mentions ?? []).some((user) => user.id === botId);
    for (const session of this.liveSessions(options.sessionId)) {
      if (options.force !== true && !receives(session, route)) continue;
      const text =
        session.version === 6
          ? (v6 ??= this.#messages.serialize(message, created, 6))
          : readable || session.hasIntent(Intents.MESSAGE_CONTENT)
            ? (v10 ??= this.#messages.serialize(message, created, 10))
            : (v10Empty ??= this.#messages.serialize({ ...message, content: "" }, created, 10));
      sendDispatch(session, MESSAGE_CREATE_PREFIX, text);
    }
    return created;
  }

  /** The message's id, channel, guild and timestamp, the defaults filled in. */
  #created(message: MessageInput): CreatedMessage {
    const now = this.#host.now();
    if (now !== this.#lastMessageTime) {
      this.#lastMessageTime = now;
      this.#lastMessageIso = new Date(now).toISOString();
      this.#lastMessageBase = BigInt(snowflake(now, 0));
    }
    return {
      id: message.id ?? (this.#lastMessageBase | BigInt(this.#messageCounter++ & 0x3f_ff_ff)).toString(),
      channelId: message.channelId,
      guildId: message.guildId === undefined ? this.#host.guilds.guildOfChannel(message.channelId) : message.guildId,
      timestamp: message.timestamp ?? this.#lastMessageIso,
    };
  }

  #route(t: string, d: unknown): Route {
    if (!isRecord(d)) return { intent: intentForEvent(t, false), guildId: undefined, self: false };
    const guildId =
      typeof d.guild_id === "string"
        ? d.guild_id
        : (t === "GUILD_CREATE" || t === "GUILD_UPDATE" || t === "GUILD_DELETE") && typeof d.id === "string"
          ? d.id
          : undefined;
    const self = t === "GUILD_MEMBER_UPDATE" && isRecord(d.user) && d.user.id === this.#host.botId;
    return { intent: intentForEvent(t, guildId !== undefined), guildId, self };
  }
}

function receives(session: FakeSession, route: Route): boolean {
  if (route.intent !== 0 && !route.self && !session.hasIntent(route.intent)) return false;
  return session.ownsGuild(route.guildId);
}
