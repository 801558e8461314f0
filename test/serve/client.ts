// A real `ws` client for tests: envelopes decoded to JSON as they arrive, queued until a
// test asks for them, and how the connection ended.

import WebSocket from "ws";
import { decodeEnvelopeToJson, type EnvelopeJson } from "../../host/watch/envelope.ts";

export interface TestClient {
  socket: WebSocket;
  next(): Promise<EnvelopeJson>;
  /** Resolves with the close code once the connection is closed. */
  closed: Promise<{ code: number; reason: string }>;
}

export interface ConnectOptions {
  protocol?: string;
  headers?: Record<string, string>;
  origin?: string;
}

/** Connects and resolves once open; rejects with the HTTP status when the upgrade is refused. */
export function connect(address: string, options: ConnectOptions = {}): Promise<TestClient> {
  const socket = new WebSocket(address, options.protocol ?? "katanet.v1", { headers: options.headers, origin: options.origin });
  const queued: EnvelopeJson[] = [];
  const waiting: Array<(envelope: EnvelopeJson) => void> = [];
  socket.on("message", (data, isBinary) => {
    const bytes = data as Buffer;
    const envelope = isBinary ? decodeEnvelopeToJson(bytes) : (JSON.parse(bytes.toString("utf8")) as EnvelopeJson);
    const waiter = waiting.shift();
    if (waiter) waiter(envelope);
    else queued.push(envelope);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () =>
      resolve({
        socket,
        closed,
        next: () => {
          const envelope = queued.shift();
          return envelope ? Promise.resolve(envelope) : new Promise((deliver) => waiting.push(deliver));
        },
      }),
    );
    socket.once("unexpected-response", (_request, response) => {
      reject(new RefusedError(response.statusCode ?? 0));
      socket.terminate();
    });
    socket.once("error", (error) => reject(error));
  });
}

export class RefusedError extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/** The HTTP status an upgrade attempt ends with (101 when it is accepted). */
export async function upgradeStatus(address: string, options: ConnectOptions = {}): Promise<number> {
  try {
    const client = await connect(address, options);
    client.socket.close();
    return 101;
  } catch (error) {
    if (error instanceof RefusedError) return error.status;
    throw error;
  }
}
