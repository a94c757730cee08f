/**
 * The exit codes of `nuwani-discord`, one scheme for every way a run ends:
 *
 * | code | name | when |
 * |---|---|---|
 * | 0 | `OK` | `--help`, `--version`, Discord is off, or a run that ended at `--for` (or its signal) after connecting |
 * | 1 | `FAILURE` | Discord refused the connection (e.g. a wrong token), never became ready before `--for` ended the run, or the connection stopped for good during it |
 * | 2 | `USAGE` | bad arguments, an unreadable, missing or invalid `--config`, or no game to run against |
 * | 130 | `SIGINT` | ended by SIGINT (Ctrl+C), after a bounded shutdown with the summary |
 * | 143 | `SIGTERM` | ended by SIGTERM, after a bounded shutdown with the summary |
 */
export const EXIT_CODES = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
