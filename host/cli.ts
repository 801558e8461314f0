#!/usr/bin/env node
// katanet's command line: finds the subcommand, runs it, and turns every failure into a
// clear message and an exit code (2 bad input, 3 Kata would fail, 1 unexpected).
import { Buffer } from "node:buffer";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { CaptureFormatError } from "./capture.ts";
import { CoreUsageError, KataError, MalformedInputError } from "./core.ts";
import { DanError } from "./dan/errors.ts";
import { UnknownModelError } from "./network.ts";
import { EndpointSpecError } from "./wire/records.ts";
import { type CliIO, type Command, EXIT_BAD_INPUT, EXIT_KATA_ERROR, EXIT_OK, EXIT_UNEXPECTED, UsageError } from "./cli/command.ts";
import { InputFileError } from "./cli/read-input.ts";

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
  mac: { summary: "generate private unicast MAC addresses as Kata does", load: async () => (await import("./cli/network.ts")).macCommand },
  pair: { summary: "create a network interface pair as Kata does", load: async () => (await import("./cli/network.ts")).pairCommand },
  model: { summary: "parse an interworking model name with Kata's rules", load: async () => (await import("./cli/network.ts")).modelCommand },
};

const HELP = `katanet: Kata Containers' network layer: what a Kata guest agent would be sent

usage: katanet COMMAND [options]     (katanet COMMAND --help for its options)

${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(9)} ${entry.summary}`)
  .join("\n")}

exit codes: 0 ok, 2 bad input or usage, 3 Kata itself would fail (Go's error text), 4 (explain) a finding
would break the guest network, 1 unexpected
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const entry = COMMANDS[name];
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
    return report(error, command, io);
  }
}

function report(error: unknown, command: Command, io: CliIO): number {
  if (error instanceof KataError) {
    io.err(`${error.message}\n`);
    if (error.interfaceName) io.err(`katanet: Kata would fail on interface "${error.interfaceName}"\n`);
    return EXIT_KATA_ERROR;
  }
  if (error instanceof DanError) {
    io.err(`${error.message}\n`);
    if (error.location) io.err(`katanet: at line ${error.location.line}, column ${error.location.column} (byte ${error.location.offset})\n`);
    return EXIT_KATA_ERROR;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.err(`katanet ${command.name}: ${(error as Error).message}\n\nusage: ${command.usage}\n`);
    return EXIT_BAD_INPUT;
  }
  if (isBadInput(error)) {
    io.err(`katanet ${command.name}: ${(error as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  const detail = error instanceof CoreUsageError || !(error instanceof Error) ? String(error) : error.message;
  io.err(`katanet ${command.name}: ${detail}\n`);
  return EXIT_UNEXPECTED;
}

// By name: importing host/netlink/netns.ts here would load libc bindings for every command.
const BAD_NAMESPACE_ERROR = "NamespaceError";

function isBadInput(error: unknown): boolean {
  return (
    error instanceof MalformedInputError ||
    error instanceof CaptureFormatError ||
    error instanceof EndpointSpecError ||
    error instanceof InputFileError ||
    error instanceof UnknownModelError ||
    (error instanceof Error && error.name === BAD_NAMESPACE_ERROR)
  );
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function processIO(): CliIO {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once("SIGINT", () => stop());
  process.once("SIGTERM", () => stop());
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
      return new Uint8Array(Buffer.concat(chunks));
    },
    stopped,
  };
}

/** Runs `katanet` with this process's arguments and streams, then exits with its code. */
export async function runProcess(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processIO());
  // Sockets and signal handlers must not keep a finished command alive.
  process.stdout.write("", () => process.exit());
}

// `node dist/host/cli.js ...` and `deno run host/cli.ts ...`; the installed command goes
// through bin/katanet.js.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runProcess();
