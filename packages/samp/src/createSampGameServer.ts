import { CodePage } from "./CodePage.js";
import { LogTail } from "./LogTail.js";
import { SampGameServer } from "./SampGameServer.js";
import { SampQueryClient } from "./SampQueryClient.js";
import type { Clock } from "@nuwani/util";
import type { GameConfig } from "./config.js";
import type { SampError } from "./SampError.js";

/** What {@link createSampGameServer} takes besides the config. */
export interface CreateSampGameServerOptions {
  /** Time source for everything. @defaultValue the system clock */
  readonly clock?: Clock;
  /** Told about failures the adapter survives. */
  readonly onWarning?: (error: SampError) => void;
}

/**
 * Builds the client, the log tail (when `logPath` is set) and the {@link SampGameServer} from
 * a validated `game` section. Call `start()` on the result; `stop()` stops the tail and the poll loop and destroys the client.
 */
export function createSampGameServer(config: GameConfig, options: CreateSampGameServerOptions = {}): SampGameServer {
  const codePage = new CodePage(config.encoding);
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const client = new SampQueryClient({
    host: config.host,
    port: config.port,
    rconPassword: config.rconPassword,
    codePage,
    timeout: config.queryTimeout,
    retries: config.queryRetries,
    queriesPerSecond: config.queriesPerSecond,
    rconQuietPeriod: config.rconQuietPeriod,
    ...clock,
  });
  const tail = config.logPath === undefined ? undefined : new LogTail({ path: config.logPath, codePage, pollInterval: config.logPollInterval, ...clock });
  return new SampGameServer({
    client,
    tail,
    variant: config.type,
    pollInterval: config.pollInterval,
    downAfter: config.downAfter,
    logSilentAfter: config.logSilentAfter,
    pawnInclude: config.pawnInclude,
    ...clock,
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
}
