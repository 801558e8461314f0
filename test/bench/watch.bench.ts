// Event → frame latency of `katanet serve`: a child process changes routes at a steady
// rate in a test namespace; the time from sending a route add to the first frame that
// contains it, as one of N connected clients receives it. p50/p99 per rate, client
// count and coalescing window; each run lasts RUN_MS. The server runs in a child process
// too (watch-server.ts), so this one holds only the clients; all three share
// CLOCK_MONOTONIC through process.hrtime.

import { fork, type ChildProcess } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { typeByName } from "../../host/schema.ts";
import { createNamespace, deleteNamespaces, ipBatch, namespaceTestsUnavailable } from "../support/netns.ts";
import type { ChurnReport } from "../watch/route-churn.ts";
import { SETUP } from "../watch/scenario.ts";
import { formatTable } from "./table.ts";

const RUN_MS = 2000;
const RATES = [1_000, 10_000];
const CLIENT_COUNTS = [1, 100];
const COALESCE_MS = [1, 20];
const CHURN_PREFIX = "10.150.";

const scriptExtension = extname(fileURLToPath(import.meta.url));
const churnScript = fileURLToPath(new URL(`../watch/route-churn${scriptExtension}`, import.meta.url));
const serverScript = fileURLToPath(new URL(`./watch-server${scriptExtension}`, import.meta.url));

interface Run {
  latenciesMs: number[];
  frames: number;
  adds: number;
  wakeLatenessMs: number[];
}

/** Highest churn route index in an update_routes frame, or -1 for any other frame. */
function newestRouteIn(frame: Uint8Array): number {
  const envelope = typeByName("katanet.Envelope").decode(frame) as unknown as {
    updateRoutes?: { routes?: { Routes: Array<{ dest: string }> } };
  };
  let newest = -1;
  for (const { dest } of envelope.updateRoutes?.routes?.Routes ?? []) {
    if (!dest.startsWith(CHURN_PREFIX)) continue;
    const [third, fourth] = dest.slice(CHURN_PREFIX.length).split("/")[0].split(".").map(Number);
    newest = Math.max(newest, third * 256 + fourth);
  }
  return newest;
}

/** Resolves with the child's first IPC message; rejects if it fails or exits before sending one. */
function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    child.once("message", (message) => resolve(message as T));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code} before reporting`)));
  });
}

/** A server process for one coalescing window, kept across that window's rows so its
 * code stays compiled and warm, as a long-running `katanet serve` is. */
async function startServer(namespace: string, coalesceMs: number, maxClients: number): Promise<{ address: string; stop(): Promise<void> }> {
  const server = fork(serverScript, [namespace, String(coalesceMs), String(maxClients)]);
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const stop = async () => {
    if (server.connected) server.disconnect();
    await exited;
  };
  try {
    const { address } = await firstMessage<{ address: string }>(server, "watch-server");
    return { address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function measure(namespace: string, address: string, rate: number, clients: number, coalesceMs: number): Promise<Run> {
  const frames: Array<{ at: number; newest: number }> = [];
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const socket = new WebSocket(address, "katanet.v1");
      await new Promise((resolve, reject) => socket.once("message", resolve).once("error", reject));
      sockets.push(socket);
    }
    // Only the last client to connect measures: it is served after all the others.
    sockets[sockets.length - 1].on("message", (data: Buffer) => {
      frames.push({ at: Number(process.hrtime.bigint()), newest: newestRouteIn(data) });
    });
    const { addTimes, wakeLatenessMs } = await firstMessage<ChurnReport>(fork(churnScript, [namespace, String(rate), String(RUN_MS)]), "route-churn");
    await new Promise((resolve) => setTimeout(resolve, coalesceMs + 200));
    return { ...latencies(addTimes, frames), frames: frames.length, adds: addTimes.length, wakeLatenessMs };
  } finally {
    for (const socket of sockets) socket.terminate();
    ipBatch(namespace, ["route flush root 10.150.0.0/16"]);
    // The flush's own frame must not reach the next row's clients.
    await new Promise((resolve) => setTimeout(resolve, coalesceMs + 200));
  }
}

/** Each add's latency: until the first frame whose newest route is at least that add. */
function latencies(addTimes: number[], frames: Array<{ at: number; newest: number }>): { latenciesMs: number[] } {
  const latenciesMs: number[] = [];
  let next = 0;
  for (const frame of frames) {
    for (; next <= frame.newest && next < addTimes.length; next++) latenciesMs.push((frame.at - addTimes[next]) / 1e6);
  }
  return { latenciesMs };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const title = "Watch: a change to the client";

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) {
    return `watch bench skipped: ${unavailable}`;
  }
  const namespace = createNamespace();
  const rows: string[][] = [];
  try {
    ipBatch(namespace, SETUP);
    for (const coalesceMs of COALESCE_MS) {
      const server = await startServer(namespace, coalesceMs, Math.max(...CLIENT_COUNTS) + 1);
      try {
        // Unmeasured: the first run compiles the whole path (scan, diff, encode, ws send)
        // in the server and the clients' receiving path here, at full client count.
        await measure(namespace, server.address, RATES[0], Math.max(...CLIENT_COUNTS), coalesceMs);
        for (const rate of RATES) {
          for (const clients of CLIENT_COUNTS) {
            const run = await measure(namespace, server.address, rate, clients, coalesceMs);
            const sorted = run.latenciesMs.sort((a, b) => a - b);
            if (sorted.length < run.adds) throw new Error(`only ${sorted.length} of ${run.adds} route adds reached a client`);
            const wakeLateness = run.wakeLatenessMs.sort((a, b) => a - b);
            rows.push([
              `${rate}`,
              `${clients}`,
              `${coalesceMs}`,
              `${run.frames}`,
              percentile(sorted, 50).toFixed(2),
              percentile(sorted, 99).toFixed(2),
              sorted[sorted.length - 1].toFixed(2),
              percentile(wakeLateness, 99).toFixed(2),
            ]);
          }
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    deleteNamespaces(namespace);
  }
  return [
    `route add → frame at the last-connected client, ${RUN_MS / 1000} s per row (half the events are adds, half deletes);`,
    `wake p99: how late the churn process's sleeps ended, the machine's own scheduling delay during the row\n`,
    formatTable(["events/s", "clients", "coalesce ms", "frames", "p50 ms", "p99 ms", "max ms", "wake p99 ms"], rows),
  ].join("\n");
}
