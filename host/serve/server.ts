// `serve()`: one namespace watcher, streamed to WebSocket clients. Each client gets a
// snapshot on connect, then every change; it may ask for a fresh snapshot. Every limit
// here protects the other clients: a client that floods, stalls or oversteps is closed
// alone, with a close code that says why.

import { Buffer } from "node:buffer";
import { chmodSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { encodeEnvelope, envelopeToJson, type Envelope } from "../watch/envelope.ts";
import { NamespaceWatcher, type WatchOptions } from "../watch/watcher.ts";
import { admit, BINARY_PROTOCOL, streamProtocolOf, type AdmissionPolicy, type StreamProtocol } from "./admission.ts";
import { answerHttp } from "./page.ts";
import { parseClientRequest } from "./client-request.ts";
import { checkListenPolicy, DEFAULT_LISTEN, describeTarget, parseListen, type ListenTarget } from "./listen.ts";
import { Token } from "./token.ts";

export interface ServeOptions extends WatchOptions {
  /** "HOST:PORT" (default 127.0.0.1 on a free port); off loopback it needs `tokenFile`. */
  listen?: string;
  /** A Unix socket path instead of TCP; created with mode 0600. */
  unix?: string;
  /** File whose first line is the token clients send as `Authorization: Bearer TOKEN`. */
  tokenFile?: string;
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
const CLOSE_INTERNAL_ERROR = 1011;
const CLOSE_TRY_AGAIN_LATER = 1013;

export async function serve(options: ServeOptions = {}): Promise<Server> {
  const target: ListenTarget = options.unix !== undefined ? { kind: "unix", path: options.unix } : parseListen(options.listen ?? DEFAULT_LISTEN);
  const token = options.tokenFile !== undefined ? Token.fromFile(options.tokenFile) : undefined;
  checkListenPolicy(target, token !== undefined);
  const policy: AdmissionPolicy = {
    token,
    allowedOrigins: options.allowedOrigins ?? [],
    maxClients: options.maxClients ?? DEFAULT_MAX_CLIENTS,
  };
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;

  const watcher = new NamespaceWatcher(options);
  const protocols = new Map<WebSocket, StreamProtocol>();
  const explaining = new Set<WebSocket>(); // clients that sent an explain request
  const http = createServer((request, response) => answerHttp(request, response, { tokenRequired: token !== undefined }));
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

  const send = (client: WebSocket, frames: Frames) => {
    if (client.readyState !== WebSocket.OPEN) return;
    if (client.bufferedAmount >= maxBufferedBytes) {
      dismiss(client, CLOSE_TRY_AGAIN_LATER, `client too slow: ${client.bufferedAmount} bytes unsent (limit ${maxBufferedBytes})`);
      return;
    }
    const protocol = protocols.get(client);
    client.send(protocol === BINARY_PROTOCOL ? frames.binary() : frames.json());
  };

  const unsubscribe = watcher.subscribe({
    envelope(envelope) {
      const frames = new Frames(envelope);
      for (const client of envelope.kind === "explanation" ? explaining : protocols.keys()) send(client, frames);
    },
    failed(error) {
      for (const client of protocols.keys()) dismiss(client, CLOSE_INTERNAL_ERROR, `watch failed: ${error.message}`);
      void shutDown();
      options.onError?.(error);
    },
  });

  http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const admission = admit(request, policy, protocols.size);
    if (!admission.admitted) {
      refuse(socket, admission.status, admission.reason, admission.headers);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      protocols.set(client, admission.protocol);
      client.on("close", () => {
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
          dismiss(client, CLOSE_INVALID_DATA, (error as Error).message);
          return;
        }
        const explanation = request.kind === "explain" ? watcher.startExplaining() : undefined;
        if (request.kind === "explain") explaining.add(client);
        send(client, new Frames(watcher.snapshot()));
        if (explanation) send(client, new Frames(explanation));
      });
      send(client, new Frames(watcher.snapshot()));
    });
  });

  let closing: Promise<void> | undefined;
  const shutDown = () => {
    closing ??= (async () => {
      unsubscribe();
      watcher.stop();
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
    throw new Error(`cannot listen on ${describeTarget(target)}: ${(error as Error).message}`);
  }
  return {
    address: addressOf(http.address(), target),
    get clients() {
      return [...protocols.keys()].filter((client) => client.readyState === WebSocket.OPEN).length;
    },
    close: shutDown,
  };
}

/** An envelope's two encodings, each made at most once however many clients get it. */
class Frames {
  private binaryFrame: Uint8Array | undefined;
  private jsonFrame: string | undefined;
  constructor(private readonly envelope: Envelope) {}
  binary(): Uint8Array {
    return (this.binaryFrame ??= encodeEnvelope(this.envelope));
  }
  json(): string {
    return (this.jsonFrame ??= JSON.stringify(envelopeToJson(this.envelope)));
  }
}

/** A Unix socket is created under umask 0177, so it is never reachable by others, not even briefly. */
function listen(http: ReturnType<typeof createServer>, target: ListenTarget): Promise<void> {
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
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable" };

function addressOf(address: AddressInfo | string | null, target: ListenTarget): string {
  if (target.kind === "unix") return `unix:${target.path}`;
  if (address === null || typeof address === "string") throw new Error("the HTTP server has no TCP address after listening");
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `ws://${host}:${address.port}`;
}

function asBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
