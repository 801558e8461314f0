// katanet follow: subscribe to a `katanet serve` stream and apply every envelope to a
// namespace as it arrives, the way a Kata guest's agent would receive them. Runs until
// interrupted (exit 0) or until the stream ends or cannot be reached (exit 1); bad
// arguments, token file or namespace exit 2. Frames that fail to apply are reported on
// stderr and the stream goes on.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { Applier } from "../apply/apply.ts";
import { Follower } from "../apply/follow.ts";
import { printReport, reportApplyFailure } from "./apply.ts";
import { type CliIO, type Command, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNEXPECTED, UsageError } from "./command.ts";

const SUBPROTOCOL = "katanet.v1";

export const followCommand: Command = {
  name: "follow",
  usage: `katanet follow ws://HOST:PORT --netns NAME|PATH|PID [--token-file FILE] [--verbose]

  --netns       the namespace to configure (required: following into katanet's own
                namespace is rarely what is meant)
  --token-file  a file holding the server's token, sent as "Authorization: Bearer TOKEN"
  --verbose     print every write, not one line per envelope

examples:
  katanet follow ws://127.0.0.1:7070 --netns guest --verbose
  katanet follow ws://pod-host:7070 --netns guest --token-file token`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { netns: { type: "string" }, "token-file": { type: "string" }, verbose: { type: "boolean", default: false } },
    });
    if (positionals.length !== 1 || !/^wss?:\/\//.test(positionals[0])) throw new UsageError("give one stream URL, ws://HOST:PORT or wss://HOST:PORT");
    if (values.netns === undefined) throw new UsageError("--netns is required");
    let token: string | undefined;
    if (values["token-file"] !== undefined) {
      try {
        token = readFileSync(values["token-file"], "utf8").trim();
      } catch (error) {
        io.err(`katanet follow: cannot read the token file ${values["token-file"]}: ${(error as Error).message}\n`);
        return EXIT_BAD_INPUT;
      }
    }
    let applier: Applier;
    try {
      applier = new Applier({ netns: values.netns });
    } catch (error) {
      return reportApplyFailure(error, io, "follow");
    }
    try {
      return await followStream(positionals[0], token, new Follower(applier), io, values.verbose);
    } finally {
      applier.close();
    }
  },
};

function followStream(url: string, token: string | undefined, follower: Follower, io: CliIO, verbose: boolean): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, SUBPROTOCOL, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });
    let stopping = false;
    void io.stopped.then(() => {
      stopping = true;
      socket.close(1000, "follower stopped");
      resolve(EXIT_OK);
    });
    socket.on("message", (data, isBinary) => {
      if (!isBinary) {
        io.err("katanet follow: ignoring a text frame (envelopes are binary)\n");
        return;
      }
      const event = follower.handle(new Uint8Array(data as Buffer));
      (event.error ? io.err : io.out)(`${event.summary}\n`);
      if (verbose && event.report) printReport(event.report, io);
    });
    socket.on("unexpected-response", (_request, response) => {
      io.err(`katanet follow: ${url} refused the stream: HTTP ${response.statusCode} ${response.statusMessage ?? ""}\n`);
      socket.terminate();
      resolve(EXIT_UNEXPECTED);
    });
    socket.on("error", (error) => {
      io.err(`katanet follow: ${url}: ${error.message}\n`);
      resolve(EXIT_UNEXPECTED);
    });
    socket.on("close", (code, reason) => {
      if (!stopping) io.err(`katanet follow: the stream ended (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})\n`);
      resolve(stopping ? EXIT_OK : EXIT_UNEXPECTED);
    });
  });
}
