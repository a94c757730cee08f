// A raw UDP client for the tests: sends bytes, queues every datagram it gets back.
import { createSocket, type Socket } from "node:dgram";

export class RawClient {
  readonly #socket: Socket;
  readonly #queue: Buffer[] = [];
  readonly #waiters: ((datagram: Buffer) => void)[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (datagram) => {
      const waiter = this.#waiters.shift();
      if (waiter === undefined) this.#queue.push(datagram);
      else waiter(datagram);
    });
  }

  static async open(): Promise<RawClient> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    return new RawClient(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(port: number, bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.send(bytes, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  }

  /** The next datagram; the bound only keeps a broken test from hanging. */
  next(boundMs = 3000): Promise<Buffer> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error("no datagram arrived"));
      }, boundMs);
      const waiter = (datagram: Buffer): void => {
        clearTimeout(timer);
        resolve(datagram);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Sends `bytes`, then returns the reply. */
  async ask(port: number, bytes: Buffer): Promise<Buffer> {
    await this.send(port, bytes);
    return this.next();
  }

  /**
   * Proves that nothing was answered to what was sent before, without sleeping: sends a ping
   * with a fresh nonce and expects its echo to be the very next datagram.
   */
  async expectNothingBefore(port: number, nonce: number): Promise<void> {
    const ping = Buffer.concat([header("p"), Buffer.from([nonce & 0xff, 1, 2, 3])]);
    await this.send(port, ping);
    const got = await this.next();
    if (!got.equals(ping)) throw new Error(`expected only the ping echo, got ${got.toString("hex")}`);
  }

  close(): void {
    this.#socket.close();
  }
}

/** A request header, written here independently of src/packets.ts. */
export function header(opcode: string, port = 7777): Buffer {
  const bytes = Buffer.from([0x53, 0x41, 0x4d, 0x50, 127, 0, 0, 1, port & 0xff, port >> 8, opcode.charCodeAt(0)]);
  return bytes;
}

export function rconRequest(password: Buffer | string, command: Buffer | string): Buffer {
  const pass = typeof password === "string" ? Buffer.from(password, "latin1") : password;
  const cmd = typeof command === "string" ? Buffer.from(command, "latin1") : command;
  const lengths = Buffer.alloc(4);
  lengths.writeUInt16LE(pass.length, 0);
  lengths.writeUInt16LE(cmd.length, 2);
  return Buffer.concat([header("x"), lengths.subarray(0, 2), pass, lengths.subarray(2), cmd]);
}
