export { runCli, type CliOptions } from "./runCli.js";
export { CLI_USAGE, parseCliArgs, type CliCommand } from "./parseCliArgs.js";
export { EXIT_CODES, type ExitCode } from "./exitCodes.js";
export { CliError, type CliErrorCode } from "./CliError.js";
export { neutraliseTerminal } from "./neutraliseTerminal.js";
export type { CliStream } from "./Printer.js";
