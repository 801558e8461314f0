// Reading a file argument ("-" is standard input) and parsing JSON, with errors that name
// the file and the problem. Inputs are bounded, and one that cannot be JSON is refused at
// its first byte, so a wrong or huge file fails at once instead of filling memory.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";
import type { CliIO } from "./command.ts";

/** Well below V8's longest string (512 MiB), which JSON.parse of a larger file would hit. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** A file or standard input could not be read, was too large, or was not JSON: bad input (exit 2). */
export class InputFileError extends Error {
  override name = "InputFileError";
  readonly exitCode = EXIT_BAD_INPUT;
}

export interface ReadOptions {
  /** The input must be a JSON object or array: refuse it at the first other byte. */
  json?: boolean;
}

export function describeInput(path: string): string {
  return path === "-" ? "standard input" : path;
}

export async function readInput(path: string, io: CliIO, options: ReadOptions = {}): Promise<Uint8Array> {
  const bytes = path === "-" ? await io.readStdin(MAX_INPUT_BYTES) : readFile(path, options);
  checkSize(path, bytes.length);
  if (options.json) checkJsonStart(path, bytes);
  return bytes;
}

export function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InputFileError(`${describeInput(path)} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads a JSON object or array from a file or standard input. */
export async function readJson(path: string, io: CliIO): Promise<unknown> {
  return parseJson(await readInput(path, io, { json: true }), path);
}

const FIRST_READ_BYTES = 64 * 1024;

function readFile(path: string, options: ReadOptions): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputFileError(`cannot read ${path}: it is a directory`);
    checkSize(path, stat.size);
    // A regular file is read into one buffer of its size (plus a byte to notice growth),
    // after a first small read that is enough to refuse what cannot be JSON.
    let buffer: Uint8Array = new Uint8Array(stat.size + 1);
    let total = 0;
    for (;;) {
      if (total === buffer.length) buffer = grown(buffer);
      const want = total === 0 ? Math.min(FIRST_READ_BYTES, buffer.length) : buffer.length - total;
      const read = readSync(fd, buffer, total, want, null);
      if (read === 0) break;
      if (options.json && total === 0) checkJsonStart(path, buffer.subarray(0, read), false);
      total += read;
      checkSize(path, total);
    }
    return buffer.subarray(0, total);
  } catch (error) {
    throw error instanceof InputFileError ? error : unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, error: unknown): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(error);
  return new InputFileError(`cannot read ${path}: ${why}`);
}

function checkSize(path: string, bytes: number): void {
  if (bytes > MAX_INPUT_BYTES) {
    throw new InputFileError(`${describeInput(path)} is larger than ${MAX_INPUT_BYTES / (1024 * 1024)} MiB, the most katanet reads`);
  }
}

const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Every katanet JSON input is an object or an array; `whole` says `bytes` is all of it. */
function checkJsonStart(path: string, bytes: Uint8Array, whole = true): void {
  let at = 0;
  while (at < bytes.length && JSON_SPACE.has(bytes[at])) at++;
  if (at === bytes.length) {
    if (whole) throw new InputFileError(`${describeInput(path)} is not JSON: it is empty${at > 0 ? " but for white space" : ""}`);
    return;
  }
  const byte = bytes[at];
  if (byte === 0x7b || byte === 0x5b) return;
  const shown = byte >= 0x21 && byte <= 0x7e ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16).padStart(2, "0")}`;
  throw new InputFileError(`${describeInput(path)} is not JSON: it starts with ${shown} at byte ${at}, not { or [`);
}

/** Pipes and /dev/stdin report size 0: their buffer doubles as they deliver. */
function grown(buffer: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(Math.max(FIRST_READ_BYTES, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}
