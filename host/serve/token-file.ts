// The token file rule, the same for `serve` and `follow`: the token is the file's first
// line without its trailing CR/LF; it may not be empty nor hold whitespace or control
// characters (it travels in an HTTP header, and a server could never match what a client
// cannot send); and, as ssh does with keys, a file others can read is refused unless the
// user says otherwise.

import { readFileSync, statSync } from "node:fs";

/** The token file is missing, unreadable, unsafe or holds no usable token (bad input, exit 2). */
export class TokenFileError extends Error {
  override name = "TokenFileError";
}

export interface TokenFileOptions {
  /** Accept a file group or others may read (--insecure-token-file). */
  insecure?: boolean;
}

export function readTokenFile(path: string, options: TokenFileOptions = {}): string {
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TokenFileError(`cannot read token file ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  if ((mode & 0o077) !== 0 && !options.insecure) {
    throw new TokenFileError(
      `token file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); chmod 600 it, or pass --insecure-token-file`,
    );
  }
  const token = text.split("\n")[0].replace(/\r$/, "");
  if (token === "") throw new TokenFileError(`token file ${path} is empty; put the token on its first line`);
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(token)) {
    throw new TokenFileError(`token file ${path}: the token on its first line contains whitespace or control characters, which cannot be sent in an Authorization header`);
  }
  return token;
}
