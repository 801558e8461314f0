// A stand-in for a hostile or broken `katanet serve`, for the follow tests: a WebSocket
// server speaking katanet.v1 that sends whatever envelope a test builds (the project's own
// .proto through host/schema.ts), and records what the follower sent and offered.

import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import protobuf from "protobufjs";
import { WebSocketServer, type WebSocket } from "ws";
import { encode, typeByName, type ARPNeighbor, type Interface, type Route } from "../../host/schema.ts";
import { followCommand } from "../../host/cli/follow.ts";
import { capturedIO, type RequestsJson } from "./support.ts";

const FIELD = { snapshot: 2, updateInterface: 3, updateRoutes: 4, addNeighbors: 5 } as const;

/** katanet.Envelope by field number; `seq` as decimal text so all 64 bits survive. */
export function envelope(seq: bigint | number, kind: keyof typeof FIELD, requests: RequestsJson): Uint8Array {
  const interfaces = (requests.interfaces ?? []) as Interface[];
  const routes = (requests.routes ?? []) as Route[];
  const neighbours = (requests.neighbours ?? []) as ARPNeighbor[];
  const body = {
    snapshot: () =>
      protobuf.Writer.create()
        .uint32(10).bytes(encode("Interfaces", { Interfaces: interfaces }))
        .uint32(18).bytes(encode("Routes", { Routes: routes }))
        .uint32(26).bytes(encode("ARPNeighbors", { ARPNeighbors: neighbours }))
        .finish(),
    updateInterface: () => encode("UpdateInterfaceRequest", { interface: interfaces[0] }),
    updateRoutes: () => encode("UpdateRoutesRequest", { routes: { Routes: routes } }),
    addNeighbors: () => encode("AddARPNeighborsRequest", { neighbors: { ARPNeighbors: neighbours } }),
  }[kind]();
  return protobuf.Writer.create().uint32(8).uint64(String(seq)).uint32((FIELD[kind] << 3) | 2).bytes(body).finish();
}

export interface HostileServer {
  url: string;
  /** The upgrade requests received, in order (headers tell what the follower offered). */
  requests: IncomingMessage[];
  /** The next client to connect. */
  nextClient(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function hostileServer(): Promise<HostileServer> {
  const requests: IncomingMessage[] = [];
  const waiting: ((client: WebSocket) => void)[] = [];
  const arrived: WebSocket[] = [];
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (protocols) => (protocols.has("katanet.v1") ? "katanet.v1" : false),
  });
  server.on("connection", (client, request) => {
    requests.push(request);
    const waiter = waiting.shift();
    if (waiter) waiter(client);
    else arrived.push(client);
  });
  await new Promise((resolve) => server.on("listening", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    requests,
    nextClient: () => {
      const client = arrived.shift();
      return client ? Promise.resolve(client) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The next frame `client` sends, decoded as a katanet.ClientRequest. */
export function nextRequest(client: WebSocket): Promise<unknown> {
  const type = typeByName("katanet.ClientRequest");
  return new Promise((resolve) => client.once("message", (data) => resolve(type.toObject(type.decode(data as Uint8Array)))));
}

/** `katanet follow ARGS` running, with a captured I/O and a stop() that plays SIGINT. */
export function startFollow(args: string[]) {
  const io = capturedIO();
  let stop = () => {};
  io.stopped = new Promise<void>((resolve) => (stop = resolve));
  return { io, stop, done: followCommand.run(args, io) };
}

/** Polls `check` until it holds; fails naming `what` after `deadlineMs`. */
export async function until(what: string, check: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await sleep(20);
  }
}
