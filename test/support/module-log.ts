// A Node module hook (`node --experimental-loader`) that prints, on standard error, every
// module a process resolves: "module URL" lines, for tests of what a command loads.
type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string }> {
  const result = await next(specifier, context);
  process.stderr.write(`module ${result.url}\n`);
  return result;
}
