// `serve()`: one namespace watcher (or, for a node agent, every namespace of the node:
// host/node/), streamed to WebSocket clients. Each client gets a snapshot of the stream
// it chose on connect, then every change; it may ask for a fresh snapshot. Every limit
// here protects the other clients: a client that floods, stalls or oversteps is closed
// alone, with a close code that says why.

import { Buffer } from "node:buffer";
import { chmodSync } from "node:fs";
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { attachedEndpoints } from "../attach/detach.ts";
import { followsSeveral, NamespaceRegistry, type NodeOptions } from "../node/registry.ts";
import type { WatchOptions } from "../watch/watcher.ts";
import { admit, BINARY_PROTOCOL, streamProtocolOf, type AdmissionPolicy, type StreamProtocol } from "./admission.ts";
import { parseClientRequest } from "./client-request.ts";
import { type ErrorCategory, ServeMetrics } from "./metrics.ts";
import { handleRequest } from "./routes.ts";
import { singleNamespace } from "./single-stream.ts";
import type { Frame, StreamCatalogue } from "./streams.ts";
import { checkListenPolicy, DEFAULT_LISTEN, describeTarget, ListenError, parseListen, type ListenTarget } from "./listen.ts";
import { Heartbeat } from "./heartbeat.ts";
import { SnapshotBudget } from "./snapshot-budget.ts";
import { removeStaleSocket } from "./stale-socket.ts";
import { createStreamServer, type TlsFiles } from "./tls.ts";
import { Token } from "./token.ts";
import { DEFAULT_UPGRADE_TIMEOUT_MS, guardUpgrades, type UpgradeGuardOptions } from "./upgrade-guard.ts";

export interface ServeOptions extends WatchOptions, NodeOptions, TlsFiles {
  /** "HOST:PORT" (default 127.0.0.1 on a free port); off loopback it needs `tokenFile`. */
  listen?: string;
  /** A Unix socket path instead of TCP; created with mode 0600. */
  unix?: string;
  /** File whose first line is the token clients send as `Authorization: Bearer TOKEN`. */
  tokenFile?: string;
  /** Accept a token file group or others can read. */
  insecureTokenFile?: boolean;
  /** How often clients are pinged; one that has not answered by the next ping is cut (default 15 s). */
  heartbeatMs?: number;
  /** Connections still upgrading: how long each may take, and how many at once. */
  upgrades?: UpgradeGuardOptions;
  maxClients?: number;
  /** Unsent bytes a client may have before it is closed with 1013 (default 16 MiB). */
  maxBufferedBytes?: number;
  /** Largest frame a client may send (default 4 KiB); larger closes it with 1009. */
  maxClientFrameBytes?: number;
  /** Browser origins allowed to connect (default none). */
  allowedOrigins?: string[];
  /** How long a closed client gets to read its close frame before its socket is cut. */
  closeGraceMs?: number;
  /** The watch failed: every client was closed with 1011 and the server stopped. */
  onError?(error: Error): void;
}

export interface Server {
  /** ws://HOST:PORT, or unix:PATH. */
  address: string;
  /** Clients being served now (open; not those already told to go). */
  readonly clients: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_CLIENTS = 64;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_CLIENT_FRAME_BYTES = 4096;
const DEFAULT_CLOSE_GRACE_MS = 2000;

const CLOSE_GOING_AWAY = 1001;
const CLOSE_INVALID_DATA = 1007;
const CLOSE_POLICY_VIOLATION = 1008;
const EXPLANATION = "explanation";
const CLOSE_TRY_AGAIN_LATER = 1013;

export async function serve(options: ServeOptions = {}): Promise<Server> {
  const target: ListenTarget = options.unix !== undefined ? { kind: "unix", path: options.unix } : parseListen(options.listen ?? DEFAULT_LISTEN);
  const token = options.tokenFile !== undefined ? Token.fromFile(options.tokenFile, { insecure: options.insecureTokenFile }) : undefined;
  checkListenPolicy(target, token !== undefined);
  const policy: AdmissionPolicy = {
    token,
    allowedOrigins: options.allowedOrigins ?? [],
    maxClients: options.maxClients ?? DEFAULT_MAX_CLIENTS,
  };
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;

  const protocols = new Map<WebSocket, StreamProtocol>();
  const metrics = new ServeMetrics({ clients: () => protocols.size, namespacesWatched: () => catalogue.watching?.() ?? 1 });
  const watchOptions = { ...options, observer: metrics };
  const failed = (category: ErrorCategory) => (error: Error) => {
    metrics.error(category);
    void shutDown();
    options.onError?.(error);
  };
  const several = followsSeveral(options);
  const catalogue: StreamCatalogue = several
    ? new NamespaceRegistry(watchOptions, options, metrics, failed("directory"))
    : singleNamespace(watchOptions, failed("watch"));
  // Attachments are shown for a single namespace; a node agent's page would need one per stream.
  const attachment = several ? undefined : () => attachedEndpoints(options.netns);
  const { server: http, secure } = createStreamServer(options, options.upgrades?.timeoutMs ?? DEFAULT_UPGRADE_TIMEOUT_MS, (request, response) =>
    handleRequest(request, response, { token, metrics, catalogue, attachment }),
  );
  const upgraded = guardUpgrades(http, { ...options.upgrades, secure });
  const heartbeat = new Heartbeat(() => protocols.keys(), options.heartbeatMs);
  const explaining = new Set<WebSocket>(); // clients that sent an explain request
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxClientFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES,
    // a browser's token comes as a subprotocol entry too: answer with katanet's, never that one
    handleProtocols: (offered) => streamProtocolOf(offered) ?? false,
  });

  /** Closes one client with `code`, and cuts its socket if it does not read the close frame in time. */
  const dismiss = (client: WebSocket, code: number, reason: string) => {
    client.close(code, reason.slice(0, 123));
    setTimeout(() => client.terminate(), closeGraceMs).unref();
  };

  const send = (client: WebSocket, frame: Frame) => {
    if (client.readyState !== WebSocket.OPEN) return;
    if (client.bufferedAmount >= maxBufferedBytes) {
      metrics.slowClientClosed();
      dismiss(client, CLOSE_TRY_AGAIN_LATER, `client too slow: ${client.bufferedAmount} bytes unsent (limit ${maxBufferedBytes})`);
      return;
    }
    const protocol = protocols.get(client);
    client.send(protocol === BINARY_PROTOCOL ? frame.binary() : frame.json());
    metrics.messageSent(frame.kind);
  };

  http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded(socket);
    const admission = admit(request, policy, protocols.size);
    if (!admission.admitted) {
      refuse(socket, admission.status, admission.reason, admission.headers);
      return;
    }
    const selection = catalogue.select(request.url ?? "/");
    const stream = selection.stream;
    if (!stream) {
      refuse(socket, selection.status, selection.reason);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      protocols.set(client, admission.protocol);
      heartbeat.add(client);
      const snapshots = new SnapshotBudget();
      const unsubscribe = stream.subscribe({
        frame: (frame) => {
          // Explanations cost a conversion per rescan; only clients that asked get them.
          if (frame.kind !== EXPLANATION || explaining.has(client)) send(client, frame);
        },
        ended: (code, reason) => dismiss(client, code, reason),
      });
      client.on("close", () => {
        unsubscribe();
        protocols.delete(client);
        explaining.delete(client);
      });
      // ws has already closed the client (1009 for an oversized frame); nothing to add.
      client.on("error", () => {});
      client.on("message", (data, isBinary) => {
        let request;
        try {
          request = parseClientRequest(asBytes(data), isBinary);
        } catch (error) {
          metrics.error("client");
          dismiss(client, CLOSE_INVALID_DATA, (error as Error).message);
          return;
        }
        if (!snapshots.take()) {
          dismiss(client, CLOSE_POLICY_VIOLATION, "too many snapshot requests (a burst of 5, then one a second)");
          return;
        }
        const explanation = request.kind === "explain" ? stream.explain?.() : undefined;
        if (request.kind === "explain") explaining.add(client);
        for (const frame of stream.current()) send(client, frame);
        if (explanation) send(client, explanation);
      });
      for (const frame of stream.current()) send(client, frame);
    });
  });

  let closing: Promise<void> | undefined;
  const shutDown = () => {
    closing ??= (async () => {
      catalogue.stop();
      heartbeat.stop();
      for (const client of protocols.keys()) dismiss(client, CLOSE_GOING_AWAY, "server shutting down");
      // Resolves once every client is gone: each had its close frame and grace period.
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })();
    return closing;
  };

  try {
    await listen(http, target);
  } catch (error) {
    await shutDown();
    throw new ListenError(`cannot listen on ${describeTarget(target)}: ${(error as Error).message}`);
  }
  return {
    address: addressOf(http.address(), target, secure),
    get clients() {
      return [...protocols.keys()].filter((client) => client.readyState === WebSocket.OPEN).length;
    },
    close: shutDown,
  };
}

/** A Unix socket is created under umask 0177, so it is never reachable by others, not even
 * briefly; one left by a killed server (nobody accepts on it) is replaced. */
async function listen(http: HttpServer, target: ListenTarget): Promise<void> {
  try {
    await listenOnce(http, target);
  } catch (error) {
    if (target.kind !== "unix" || (error as NodeJS.ErrnoException).code !== "EADDRINUSE" || !(await removeStaleSocket(target.path))) throw error;
    await listenOnce(http, target);
  }
}

function listenOnce(http: HttpServer, target: ListenTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    const listening = () => {
      http.off("error", reject);
      resolve();
    };
    if (target.kind === "tcp") {
      http.listen(target.port, target.host, listening);
      return;
    }
    const previousMask = process.umask(0o177);
    try {
      http.listen(target.path, () => {
        chmodSync(target.path, 0o600);
        listening();
      });
    } finally {
      process.umask(previousMask);
    }
  });
}

function refuse(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const body = `${reason}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

function addressOf(address: AddressInfo | string | null, target: ListenTarget, secure: boolean): string {
  if (target.kind === "unix") return `unix:${target.path}`;
  if (address === null || typeof address === "string") throw new Error("the HTTP server has no TCP address after listening");
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${secure ? "wss" : "ws"}://${host}:${address.port}`;
}

function asBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
