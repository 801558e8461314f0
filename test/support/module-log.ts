// A Node module hook (`node --experimental-loader`) that prints, on standard error, every
// module a process resolves: "module URL" lines, for tests of what a command loads.
// Hooks run on a thread of their own: a synchronous write is in before the command's
// process.exit(), a stream's write may not be.
import { writeSync } from "node:fs";

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string }> {
  const result = await next(specifier, context);
  writeSync(2, `module ${result.url}\n`);
  return result;
}
