// What every `katanet` subcommand is: a name, one line of help, its usage, and a run
// function that returns the exit code. Exit codes: 0 success, 2 bad input or usage,
// 3 Kata itself would fail (Go's text is printed), 1 anything unexpected.
export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_KATA_ERROR = 3;
/** explain only: a finding would break the guest network. */
export const EXIT_GUEST_BROKEN = 4;

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input. */
  readStdin(): Promise<Uint8Array>;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
}

export interface Command {
  name: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Wrong arguments: the message says which, and the usage follows it. */
export class UsageError extends Error {
  override name = "UsageError";
}
