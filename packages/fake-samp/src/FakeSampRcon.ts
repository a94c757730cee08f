import type { CodePage } from "./CodePage.js";
import type { FakeSampFlavour, FakeSampLog } from "./FakeSampLog.js";
import type { FakeSampServer } from "./FakeSampServer.js";
import {
  type FakeCustomCommandRecord,
  type FakeRconHandler,
  type FakeRconRecord,
  type FakeSampPeer,
  type FakeSampPlayer,
  type FakeSayRecord,
  SAY_LIMIT_BYTES,
} from "./FakeSampServerOptions.js";
import { formatBadRcon } from "./logLines.js";
import { capBytes, encodeRconLine, readRcon } from "./packets.js";

/** @internal What the RCON half needs from its {@link FakeSampServer}. */
export interface FakeSampRconHost {
  readonly server: FakeSampServer;
  readonly flavour: FakeSampFlavour;
  readonly codePage: CodePage;
  readonly log: FakeSampLog | undefined;
  /** The RCON password, encoded. */
  readonly password: Buffer;
  /** Registered commands by lowercase name. */
  readonly commands: ReadonlyMap<string, FakeRconHandler>;
  /** Whether the password fault is on (every password is refused). */
  rejectsPasswords(): boolean;
  players(): readonly FakeSampPlayer[];
  /** Kicks a player if online (`kick <id>`). */
  kick(id: number): void;
  recordRcon(entry: FakeRconRecord): void;
  recordCommand(entry: FakeCustomCommandRecord): void;
  recordSay(entry: FakeSayRecord): void;
}

/**
 * @internal Runs one RCON (`x`) datagram as the chosen server does: the password check (and
 * SA-MP's bad-password log line), custom commands before built-ins (`say`, `echo`, `players`,
 * `kick`, `reloadlog`), each output line one reply datagram and one log line.
 * @returns whether anything was answered
 */
export function runRcon(
  host: FakeSampRconHost,
  datagram: Buffer,
  header: Buffer,
  from: FakeSampPeer,
  at: number,
  send: (reply: Buffer) => void,
): boolean {
  const request = readRcon(datagram, host.flavour, host.password);
  if (request.kind === "malformed") return false;
  const { codePage } = host;
  const reply: string[] = [];
  const output = (line: string): void => {
    reply.push(line);
    host.log?.write(line);
    send(encodeRconLine(header, codePage.encode(line)));
  };
  if (request.kind === "bad-password" || host.rejectsPasswords()) {
    if (host.flavour === "samp") host.log?.write(formatBadRcon(from.address));
    reply.push("Invalid RCON password.");
    send(encodeRconLine(header, codePage.encode("Invalid RCON password.")));
    host.recordRcon({ at, from, accepted: false, command: undefined, name: undefined, args: undefined, reply });
    return true;
  }
  const command = codePage.decode(request.command);
  const { word, args } = splitCommand(command, host.flavour);
  const name = word.toLowerCase();
  if (word === "") {
    // Nothing to run: neither server answers an empty command.
    host.recordRcon({ at, from, accepted: true, command, name, args, reply });
    return false;
  }
  let error: string | undefined;
  const custom = host.commands.get(name);
  try {
    if (custom !== undefined) {
      host.recordCommand({ at, name, args });
      const lines = custom(args, { server: host.server, command, from });
      for (const line of typeof lines === "string" ? [lines] : (lines ?? [])) output(line);
    } else {
      builtin(host, { name, command, args, at }, output);
    }
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  host.recordRcon({ at, from, accepted: true, command, name, args, reply, ...(error === undefined ? {} : { error }) });
  return reply.length > 0;
}

function builtin(host: FakeSampRconHost, call: { name: string; command: string; args: string; at: number }, output: (line: string) => void): void {
  const { name, command, args, at } = call;
  switch (name) {
    case "say": {
      // Players see `* Admin: text`; the server neither replies nor logs.
      const text = host.flavour === "samp" ? host.codePage.decode(capBytes(host.codePage.encode(args), SAY_LIMIT_BYTES)) : args;
      host.recordSay({ at, text });
      return;
    }
    case "echo":
      output(args);
      return;
    case "players":
      output("ID\tName\tPing\tIP");
      for (const player of host.players()) output(`${player.id}\t${player.name}\t${player.ping}\t${player.ip}`);
      return;
    case "kick": {
      const id = Number(args.trim());
      if (Number.isInteger(id)) host.kick(id);
      return;
    }
    case "reloadlog":
      // The log is appended by path on every write, so a renamed file is left behind at once.
      return;
    default:
      output(host.flavour === "samp" ? `Unknown command or variable:\n  ${name}` : `Unknown command or variable: ${command}`);
  }
}

/**
 * The command word and its arguments, as each server splits them. SA-MP skips leading spaces
 * before the word and passes everything after the following space as it is; open.mp trims the
 * command, the word and the arguments.
 */
function splitCommand(command: string, flavour: FakeSampFlavour): { word: string; args: string } {
  const text = flavour === "openmp" ? command.trim() : command.replace(/^ +/, "");
  const space = text.indexOf(" ");
  if (space === -1) return { word: text, args: "" };
  const args = text.slice(space + 1);
  return { word: text.slice(0, space), args: flavour === "openmp" ? args.trim() : args };
}
