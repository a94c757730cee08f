import { CodePage } from "../../src/CodePage.js";
import { readRcon, reply, startUdpServer, type UdpServer } from "./udpServer.js";

/** A small scripted SA-MP / open.mp server for the adapter's tests (not the fake-samp package). */
export interface MiniSamp {
  readonly udp: UdpServer;
  readonly port: number;
  /** The roster it reports. */
  players: { id: number; name: string; score: number }[];
  /** RCON commands received with the right password, decoded (`echo` probes are answered, not recorded). */
  readonly commands: string[];
  /** Reports this many players in `i` instead of the roster's size (for >100). */
  reportedCount: number | undefined;
  /** Answers nothing at all. */
  silent: boolean;
  /** While set, answers are held here instead of sent; call them to send. */
  held: (() => void)[] | undefined;
  close(): Promise<void>;
}

export async function startMiniSamp(options: { password: string; variant?: "samp" | "openmp"; encoding?: string }): Promise<MiniSamp> {
  const codePage = new CodePage(options.encoding ?? "windows-1252");
  const udp = await startUdpServer();
  const mini: MiniSamp = {
    udp,
    port: udp.port,
    players: [],
    commands: [],
    reportedCount: undefined,
    silent: false,
    held: undefined,
    close: () => udp.close(),
  };
  udp.handle((request, sendNow) => {
    if (mini.silent) return;
    const send = (data: Buffer) => (mini.held === undefined ? sendNow(data) : mini.held.push(() => sendNow(data)));
    const opcode = String.fromCharCode(request[10]!);
    const count = mini.reportedCount ?? mini.players.length;
    switch (opcode) {
      case "i":
        return send(reply.info(request, { players: count, maxPlayers: 500, hostname: codePage.encode("Mini"), gamemode: codePage.encode("test"), language: codePage.encode("EN") }));
      case "c":
        if (count > 100) return;
        return send(reply.clients(request, mini.players.map((p) => ({ name: codePage.encode(p.name), score: p.score }))));
      case "d":
        if (count > 100 || options.variant === "openmp") return;
        return send(reply.detailed(request, mini.players.map((p) => ({ id: p.id, name: codePage.encode(p.name), score: p.score, ping: 10 }))));
      case "p":
        return send(request);
      case "x": {
        const { password, command } = readRcon(request);
        if (codePage.decode(password) !== options.password) return send(reply.rconLine(request, codePage.encode("Invalid RCON password.")));
        const text = codePage.decode(command);
        if (text.startsWith("echo ")) return send(reply.rconLine(request, codePage.encode(text.slice(5))));
        mini.commands.push(text);
        if (text === "players") {
          send(reply.rconLine(request, codePage.encode("ID\tName\tPing\tIP")));
          for (const p of mini.players) send(reply.rconLine(request, codePage.encode(`${p.id}\t${p.name}\t10\t127.0.0.1`)));
        }
        return;
      }
    }
  });
  return mini;
}
