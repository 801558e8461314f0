// katanet serve: a namespace's state and changes streamed to WebSocket clients until
// interrupted; see host/serve/server.ts for the protocol and its limits.
import { parseArgs } from "node:util";
import { checkListenPolicy, DEFAULT_LISTEN, parseListen } from "../serve/listen.ts";
import { serve } from "../serve/server.ts";
import { readTlsFiles } from "../serve/tls.ts";
import { readTokenFile } from "../serve/token-file.ts";
import { NamespaceGoneError } from "../watch/namespace-presence.ts";
import { type Command, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNEXPECTED, UsageError } from "./command.ts";
import { parseRule } from "./conversion-output.ts";
import { parseWholeNumber } from "./watch.ts";

export const serveCommand: Command = {
  name: "serve",
  usage: `katanet serve [--netns NAME|PATH|PID]... [--all-netns] [--listen HOST:PORT | --unix PATH] [--token-file F]
        [--tls-cert F --tls-key F] [--insecure-token-file] [--heartbeat-ms N]
        [--max-clients N] [--max-buffered-bytes N] [--coalesce-ms N] [--allow-origin ORIGIN]...
        [--neighbors seed|preseed-gateway]

  --netns               the namespace to serve (name, path or process id; default: this process's
                        own); given twice or more, each is served at /netns/NAME
  --all-netns           every namespace under /run/netns as they come and go, each at /netns/NAME
                        (a WebSocket on /netns gets the listing; GET /netns as JSON)
  --listen              TCP address (default 127.0.0.1 on a free port); off loopback needs --token-file
  --unix                Unix socket path instead (created with mode 0600; one left by a killed
                        serve is replaced)
  --token-file          file whose first line clients must send as "Authorization: Bearer TOKEN";
                        mode 0600 or 0400
  --insecure-token-file accept a token file that others can read
  --tls-cert            PEM certificate chain: with --tls-key, serve wss:// (TLS) instead of ws://
  --tls-key             PEM private key of --tls-cert
  --heartbeat-ms        ping every client this often; one silent until the next ping is cut
                        (default 15000)
  --max-clients         concurrent clients (default 64); more get HTTP 503
  --max-buffered-bytes  unsent bytes per client before it is closed with 1013 (default 16 MiB)
  --allow-origin        a browser Origin allowed to connect (repeatable; default none)
  --coalesce-ms         the longest a change waits while notifications keep coming (default 20)
  --neighbors           seed (default) or preseed-gateway: see katanet scan --help

examples:
  katanet serve --netns mypod --unix /run/katanet/mypod.sock
  katanet serve --listen 0.0.0.0:7070 --token-file token --max-clients 8 --coalesce-ms 50
  katanet serve --all-netns --listen 0.0.0.0:7070 --token-file token --tls-cert cert.pem --tls-key key.pem

Subprotocols: katanet.v1 (one binary katanet.Envelope per frame, proto/katanet.proto) and
katanet.json.v1 (its protojson text). Send {"snapshot": {}} (or a binary
katanet.ClientRequest) for a fresh snapshot. GET /metrics: Prometheus metrics.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        netns: { type: "string", multiple: true, default: [] as string[] },
        "all-netns": { type: "boolean", default: false },
        listen: { type: "string" },
        unix: { type: "string" },
        "token-file": { type: "string" },
        "insecure-token-file": { type: "boolean", default: false },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "heartbeat-ms": { type: "string" },
        "max-clients": { type: "string" },
        "max-buffered-bytes": { type: "string" },
        "coalesce-ms": { type: "string" },
        "allow-origin": { type: "string", multiple: true, default: [] as string[] },
        neighbors: { type: "string", default: "seed" },
      },
    });
    if (values.listen !== undefined && values.unix !== undefined) throw new UsageError("give --listen or --unix, not both");
    // A bad or unprotected listen address is a usage error (exit 2), not a failure of serve().
    try {
      const target = values.unix !== undefined ? { kind: "unix" as const, path: values.unix } : parseListen(values.listen ?? DEFAULT_LISTEN);
      checkListenPolicy(target, values["token-file"] !== undefined);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // A bad token or TLS file is bad input (exit 2), found before anything listens.
    try {
      if (values["token-file"] !== undefined) readTokenFile(values["token-file"], { insecure: values["insecure-token-file"] });
      readTlsFiles({ certFile: values["tls-cert"], keyFile: values["tls-key"] });
    } catch (error) {
      io.err(`katanet serve: ${(error as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    let reportFailure!: (error: Error) => void;
    const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
    const server = await serve({
      ...namespaceOptions(values.netns, values["all-netns"]),
      listen: values.listen,
      unix: values.unix,
      tokenFile: values["token-file"],
      insecureTokenFile: values["insecure-token-file"],
      certFile: values["tls-cert"],
      keyFile: values["tls-key"],
      heartbeatMs: parseWholeNumber("--heartbeat-ms", values["heartbeat-ms"], 1),
      maxClients: parseWholeNumber("--max-clients", values["max-clients"], 1),
      maxBufferedBytes: parseWholeNumber("--max-buffered-bytes", values["max-buffered-bytes"], 1),
      coalesceMs: parseWholeNumber("--coalesce-ms", values["coalesce-ms"]),
      allowedOrigins: values["allow-origin"],
      neighbourRule: parseRule(values.neighbors),
      onError: (error) => reportFailure(error),
    });
    io.err(`katanet serve: listening on ${server.address}\n`);
    const failure = await Promise.race([io.stopped.then(() => undefined), failed]);
    await server.close();
    if (failure) {
      io.err(`katanet serve: stopped: ${failure.message}\n`);
      return failure instanceof NamespaceGoneError ? EXIT_BAD_INPUT : EXIT_UNEXPECTED;
    }
    return EXIT_OK;
  },
};

/** One --netns alone is the single-namespace server; more, or --all-netns, the node agent. */
function namespaceOptions(given: string[], allNetns: boolean): { netns?: string; namespaces?: string[]; allNetns?: boolean } {
  if (!allNetns && given.length <= 1) return { netns: given[0] };
  return { namespaces: given, allNetns };
}
