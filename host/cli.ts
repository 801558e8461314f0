#!/usr/bin/env node
// katanet's command line: finds the subcommand, runs it, and turns every failure into a
// clear message and the exit code the error carries (host/exit-codes.ts: 2 bad input,
// 3 Kata would fail, 1 unexpected).
import { readFileSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { EXIT_BAD_INPUT, EXIT_KATA_ERROR, EXIT_OK, EXIT_UNEXPECTED, exitCodeOf } from "./exit-codes.ts";
import { packageFile } from "./paths.ts";
import { type CliIO, type Command, UsageError } from "./cli/command.ts";

/** Summaries live here, not in the command modules, so `--help` loads no command. */
interface Entry {
  summary: string;
  load(): Promise<Command>;
}

// Loaded on demand: `convert` must not load libc bindings it does not need.
const COMMANDS: Record<string, Entry> = {
  scan: { summary: "scan a network namespace and print what Kata's agent would be sent", load: async () => (await import("./cli/scan.ts")).scanCommand },
  convert: { summary: "what Kata would send for a capture, an endpoint list or a DAN file", load: async () => (await import("./cli/convert.ts")).convertCommand },
  explain: { summary: "why each link, address, route and neighbour is sent, dropped or changed", load: async () => (await import("./cli/explain.ts")).explainCommand },
  capture: { summary: "save a namespace's netlink dumps and hints for convert", load: async () => (await import("./cli/capture.ts")).captureCommand },
  watch: { summary: "print a namespace's changes as the agent requests they would cause", load: async () => (await import("./cli/watch.ts")).watchCommand },
  serve: { summary: "stream a namespace's changes over WebSocket", load: async () => (await import("./cli/serve.ts")).serveCommand },
  apply: { summary: "configure a namespace from agent messages, as Kata's guest agent does", load: async () => (await import("./cli/apply.ts")).applyCommand },
  follow: { summary: "apply a katanet serve stream to a namespace, as a guest agent would", load: async () => (await import("./cli/follow.ts")).followCommand },
  attach: { summary: "connect a namespace's endpoints to a VM as Kata does (tcfilter or macvtap)", load: async () => (await import("./cli/attach.ts")).attachCommand },
  detach: { summary: "undo katanet attach in a namespace, exactly", load: async () => (await import("./cli/attach.ts")).detachCommand },
  mac: { summary: "generate private unicast MAC addresses as Kata does", load: async () => (await import("./cli/network.ts")).macCommand },
  pair: { summary: "print the network interface pair Kata would describe (creates nothing)", load: async () => (await import("./cli/network.ts")).pairCommand },
  model: { summary: "parse an interworking model name with Kata's rules", load: async () => (await import("./cli/network.ts")).modelCommand },
};

const HELP = `katanet: Kata Containers' network layer: what a Kata guest agent would be sent

usage: katanet COMMAND [options]     (katanet help COMMAND, or katanet COMMAND --help, for its options)

${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(9)} ${entry.summary}`)
  .join("\n")}

  katanet --version   the version of this katanet

exit codes: 0 ok, 2 bad input or usage, 3 Kata itself would fail (Go's error text), 4 (explain) a finding
would break the guest network, 1 unexpected
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V") {
    io.out(`katanet ${version()}\n`);
    return EXIT_OK;
  }
  // `katanet help CMD` is `katanet CMD --help`.
  const [name, args] = first === "help" && rest.length > 0 ? [rest[0], ["--help"]] : [first, rest];
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`katanet: unknown command "${name}"\n\n${HELP}`);
    return EXIT_BAD_INPUT;
  }
  const command = await entry.load();
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return await report(isParseArgsError(error) ? new UsageError((error as Error).message) : error, command, io);
  }
}

function version(): string {
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}

/** The error classes that say where a failure happened are loaded only when one is
 * reported: `--help` or `mac` need neither the Wasm core's module nor the DAN parser's. */
async function report(error: unknown, command: Command, io: CliIO): Promise<number> {
  const [{ CoreUsageError, KataError }, { DanError }] = await Promise.all([import("./core-errors.ts"), import("./dan/errors.ts")]);
  const code = exitCodeOf(error);
  if (code === EXIT_KATA_ERROR) {
    // Go's text alone, so it can be compared with the runtime's; then where it happened.
    io.err(`${(error as Error).message}\n`);
    if (error instanceof KataError && error.interfaceName) io.err(`katanet: Kata would fail on interface "${error.interfaceName}"\n`);
    if (error instanceof DanError && error.location) {
      io.err(`katanet: at line ${error.location.line}, column ${error.location.column} (byte ${error.location.offset})\n`);
    }
    return code;
  }
  const unexpected = code === EXIT_UNEXPECTED && (error instanceof CoreUsageError || !(error instanceof Error));
  io.err(`katanet ${command.name}: ${unexpected ? String(error) : (error as Error).message}\n`);
  if (error instanceof UsageError) io.err(`\nusage: ${synopsis(command.usage)}\n(katanet help ${command.name} explains every option)\n`);
  return code;
}

/** The usage's first paragraph: the command line without the explanations. */
function synopsis(usage: string): string {
  return usage.split("\n\n")[0];
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function processIO(): CliIO & { readonly readerGone: boolean } {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once("SIGINT", () => stop());
  process.once("SIGTERM", () => stop());
  // The reader went away (`katanet watch | head -2`): stop writing and finish quietly.
  let readerGone = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    readerGone = true;
    stop();
  });
  return {
    out: (text) => void (readerGone || process.stdout.write(text)),
    err: (text) => void process.stderr.write(text),
    readStdin: async (maxBytes) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Uint8Array);
        total += (chunk as Uint8Array).length;
        if (total > maxBytes) break;
      }
      const bytes = new Uint8Array(total);
      chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.length), 0);
      return bytes;
    },
    stopped,
    get readerGone() {
      return readerGone;
    },
  };
}

/** Runs `katanet` with this process's arguments and streams, then exits with its code. */
export async function runProcess(): Promise<void> {
  const io = processIO();
  process.exitCode = await main(process.argv.slice(2), io);
  // Sockets and signal handlers must not keep a finished command alive; what is still
  // buffered for standard output goes out first, unless its reader is gone.
  if (io.readerGone) process.exit();
  process.stdout.write("", () => process.exit());
}

// `node dist/host/cli.js ...` and `deno run host/cli.ts ...`; the installed command goes
// through bin/katanet.js.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runProcess();
