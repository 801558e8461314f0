// The command line's exit codes. Each error class that a user can cause carries its own
// `exitCode`, so the command line reads the code from the error instead of keeping a list
// of classes that drifts whenever one is added.

export const EXIT_OK = 0;
/** Anything katanet did not foresee: a kernel error, a bug. */
export const EXIT_UNEXPECTED = 1;
/** The user's input or arguments are wrong; the message says what and where. */
export const EXIT_BAD_INPUT = 2;
/** Kata itself would fail on this input; the message is Go's text. */
export const EXIT_KATA_ERROR = 3;
/** explain only: a finding would break the guest network. */
export const EXIT_GUEST_BROKEN = 4;

/** The exit code an error carries, or EXIT_UNEXPECTED for one that carries none. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === "number" ? code : EXIT_UNEXPECTED;
}
