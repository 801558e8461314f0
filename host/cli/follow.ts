// katanet follow: subscribe to a `katanet serve` stream and apply every envelope to a
// namespace as it arrives, the way a Kata guest's agent would receive them. Runs until
// interrupted (exit 0) or until the stream ends, goes silent or cannot be reached (exit 1;
// with --reconnect it tries again); bad arguments, token file or namespace — including a
// namespace deleted while following — exit 2. Frames that fail to apply are reported on
// stderr, rolled back, and the stream goes on.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Applier } from "../apply/apply.ts";
import { DEFAULT_MAX_PER_MESSAGE } from "../apply/envelope.ts";
import { Follower } from "../apply/follow.ts";
import { checkTokenTransport, parseStreamUrl } from "../serve/stream-url.ts";
import { readTokenFile } from "../serve/token-file.ts";
import { reportApplyFailure } from "./apply.ts";
import { type Command, EXIT_BAD_INPUT, UsageError } from "./command.ts";
import { DEFAULT_FOLLOW_HEARTBEAT_MS, DEFAULT_MAX_FRAME_BYTES, followStream } from "./follow-stream.ts";
import { parseWholeNumber } from "./watch.ts";

export const followCommand: Command = {
  name: "follow",
  usage: `katanet follow URL --netns NAME|PATH|PID [--token-file FILE [--insecure-token-file]]
        [--ca-file FILE] [--agent-semantics] [--max-frame-bytes N] [--max-per-message N]
        [--heartbeat-ms N] [--reconnect] [--verbose]

  URL                    ws://HOST:PORT, wss://HOST:PORT, or ws+unix:///PATH (serve --unix PATH)
  --netns                the namespace to configure (required: following into katanet's own
                         namespace is rarely what is meant)
  --token-file           a file whose first line is the server's token, sent as
                         "Authorization: Bearer TOKEN"; it must be mode 0600 (or 0400), and is
                         sent only over wss://, to loopback or over a Unix socket
  --insecure-token-file  accept a token file others can read
  --ca-file              PEM certificates to verify a wss:// server with (default: the system's)
  --agent-semantics      apply exactly as Kata's agent: no rollback of a failed frame, and
                         old routes deleted on every link and table (default: only the links
                         the stream describes, by MAC, and their main-table routes)
  --max-frame-bytes      largest frame accepted (default ${DEFAULT_MAX_FRAME_BYTES}); a larger one ends the stream
  --max-per-message      most interfaces, routes or neighbours one frame may carry (default ${DEFAULT_MAX_PER_MESSAGE})
  --heartbeat-ms         a server silent (no frame, ping or pong) for two of these is dropped
                         (default ${DEFAULT_FOLLOW_HEARTBEAT_MS})
  --reconnect            on a lost stream, connect again (backoff 1 s doubling to 30 s) and
                         start over from the server's snapshot
  --verbose              print every write, not one line per envelope

  exit codes: 0 stopped (SIGINT/SIGTERM, seen between two writes; the frame being applied
  is rolled back), 1 the stream ended, fell silent or could not be reached, 2 bad
  arguments, token file or namespace (also a namespace deleted while following)

examples:
  katanet follow ws://127.0.0.1:7070 --netns guest --verbose
  katanet follow wss://pod-host:7070 --netns guest --token-file token --ca-file ca.pem --reconnect
  katanet follow ws+unix:///run/katanet.sock --netns guest`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        netns: { type: "string" },
        "token-file": { type: "string" },
        "insecure-token-file": { type: "boolean", default: false },
        "ca-file": { type: "string" },
        "agent-semantics": { type: "boolean", default: false },
        "max-frame-bytes": { type: "string" },
        "max-per-message": { type: "string" },
        "heartbeat-ms": { type: "string" },
        reconnect: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("give one stream URL: ws://HOST:PORT, wss://HOST:PORT or ws+unix:///PATH");
    if (values.netns === undefined) throw new UsageError("--netns is required");
    let stream;
    try {
      stream = parseStreamUrl(positionals[0]);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let token: string | undefined;
    let ca: Buffer | undefined;
    try {
      if (values["token-file"] !== undefined) {
        token = readTokenFile(values["token-file"], { insecure: values["insecure-token-file"] });
        checkTokenTransport(stream);
      }
      if (values["ca-file"] !== undefined) ca = readCaFile(values["ca-file"]);
    } catch (error) {
      io.err(`katanet follow: ${(error as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    const limits = {
      maxFrameBytes: parseWholeNumber("--max-frame-bytes", values["max-frame-bytes"], 1) ?? DEFAULT_MAX_FRAME_BYTES,
      heartbeatMs: parseWholeNumber("--heartbeat-ms", values["heartbeat-ms"], 1) ?? DEFAULT_FOLLOW_HEARTBEAT_MS,
    };
    let applier: Applier;
    try {
      applier = new Applier({ netns: values.netns, agentSemantics: values["agent-semantics"] });
    } catch (error) {
      return reportApplyFailure(error, io, "follow");
    }
    try {
      const follower = new Follower(applier, { maxPerMessage: parseWholeNumber("--max-per-message", values["max-per-message"], 1) });
      return await followStream({ url: stream.url, token, ca, ...limits, reconnect: values.reconnect, verbose: values.verbose, netns: values.netns }, follower, io);
    } finally {
      applier.close();
    }
  },
};

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read CA file ${path}: ${(error as { code?: string }).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
}
