// The connection side of `katanet follow`: one WebSocket to the server at a time, frames
// applied strictly one after another, a heartbeat both ways, and the ways the stream can
// end — the user stops it (0), the namespace goes (2), the server goes or falls silent
// (1, or a new connection with --reconnect).

import type { Buffer } from "node:buffer";
import { clearInterval, setInterval, setTimeout } from "node:timers";
import WebSocket from "ws";
import type { Follower } from "../apply/follow.ts";
import { NamespaceError } from "../netlink/netns.ts";
import { typeByName } from "../schema.ts";
import { NamespacePresence } from "../watch/namespace-presence.ts";
import { ApplyError } from "../apply/steps.ts";
import { printReport, printRollback } from "./apply.ts";
import { type CliIO, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNEXPECTED } from "./command.ts";

const SUBPROTOCOL = "katanet.v1";
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
export const DEFAULT_FOLLOW_HEARTBEAT_MS = 15_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export interface StreamOptions {
  url: string;
  token: string | undefined;
  /** PEM certificates a wss:// server must chain to. */
  ca: Buffer | undefined;
  maxFrameBytes: number;
  heartbeatMs: number;
  reconnect: boolean;
  verbose: boolean;
  netns: string;
}

export function followStream(options: StreamOptions, follower: Follower, io: CliIO): Promise<number> {
  return new Promise((resolve) => {
    const stop = new AbortController();
    const presence = new NamespacePresence(options.netns);
    let socket: WebSocket | undefined;
    let finished = false;
    let backoffMs = FIRST_BACKOFF_MS;
    let retry: ReturnType<typeof setTimeout> | undefined;
    /** Frames are applied one at a time, in order, each after the one before has finished. */
    let applying: Promise<void> = Promise.resolve();

    const finish = (code: number, message?: string) => {
      if (finished) return;
      finished = true;
      stop.abort();
      clearTimeout(retry);
      stopPresence();
      if (message) io.err(`katanet follow: ${message}\n`);
      socket?.terminate();
      // The frame being applied stops before its next write and is rolled back first.
      void applying.then(() => resolve(code));
    };
    const stopPresence = presence.watch((error) => finish(EXIT_BAD_INPUT, error.message));
    void io.stopped.then(() => finish(EXIT_OK));

    const lost = (why: string) => {
      if (finished) return;
      if (!options.reconnect) {
        finish(EXIT_UNEXPECTED, why);
        return;
      }
      io.err(`katanet follow: ${why}; reconnecting in ${backoffMs / 1000} s\n`);
      retry = setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    };

    const apply = async (client: WebSocket, frame: Uint8Array) => {
      if (finished) return;
      try {
        presence.check();
        const event = await follower.handle(frame, stop.signal);
        (event.error ? io.err : io.out)(`${event.summary}\n`);
        if (options.verbose && event.report) printReport(event.report, io);
        if (event.error instanceof ApplyError) printRollback(event.error, io);
        if (event.wantsSnapshot && client.readyState === WebSocket.OPEN) client.send(snapshotRequest());
      } catch (error) {
        if (error instanceof NamespaceError) finish(EXIT_BAD_INPUT, error.message);
        else finish(EXIT_UNEXPECTED, (error as Error).message);
      }
    };

    function connect(): void {
      if (finished) return;
      const client = new WebSocket(options.url, SUBPROTOCOL, {
        headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
        // Compression is not offered: a small frame could inflate to any size before
        // maxPayload could judge it.
        perMessageDeflate: false,
        maxPayload: options.maxFrameBytes,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        ca: options.ca,
      });
      socket = client;
      let heardFrom = true;
      let failure: string | undefined;
      const heartbeat = setInterval(() => {
        if (!heardFrom) {
          failure = `the server sent nothing (no frame, ping or pong) for ${(2 * options.heartbeatMs) / 1000} s`;
          client.terminate();
          return;
        }
        heardFrom = false;
        if (client.readyState === WebSocket.OPEN) client.ping();
      }, options.heartbeatMs);
      const heard = () => (heardFrom = true);
      client.on("open", () => (backoffMs = FIRST_BACKOFF_MS));
      client.on("ping", heard);
      client.on("pong", heard);
      client.on("message", (data, isBinary) => {
        heard();
        if (!isBinary) {
          io.err("katanet follow: ignoring a text frame (envelopes are binary)\n");
          return;
        }
        const frame = new Uint8Array(data as Buffer);
        applying = applying.then(() => apply(client, frame));
      });
      client.on("unexpected-response", (_request, response) => {
        failure = `${options.url} refused the stream: HTTP ${response.statusCode} ${response.statusMessage ?? ""}`.trimEnd();
        client.terminate();
      });
      client.on("error", (error) => {
        failure ??= /max payload/i.test(error.message)
          ? `the server sent a frame larger than ${options.maxFrameBytes} bytes (--max-frame-bytes); stream closed`
          : `${options.url}: ${error.message}`;
      });
      client.on("close", (code, reason) => {
        clearInterval(heartbeat);
        if (finished) return;
        void applying.then(() => lost(failure ?? `the stream ended (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`));
      });
    }
    connect();
  });
}

/** A binary katanet.ClientRequest asking for a fresh snapshot. */
function snapshotRequest(): Uint8Array {
  const type = typeByName("katanet.ClientRequest");
  return type.encode(type.create({ snapshot: {} })).finish();
}
