// Reading a file argument ("-" is standard input) and parsing JSON, with errors that name
// the file and the problem.
import { readFileSync } from "node:fs";
import type { CliIO } from "./command.ts";

/** A file or standard input could not be read, or was not JSON: bad input (exit 2). */
export class InputFileError extends Error {
  override name = "InputFileError";
}

export async function readInput(path: string, io: CliIO): Promise<Uint8Array> {
  if (path === "-") return io.readStdin();
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(error);
    throw new InputFileError(`cannot read ${path}: ${why}`);
  }
}

export function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InputFileError(`${path === "-" ? "standard input" : path} is not valid JSON: ${(error as Error).message}`);
  }
}
