// Event → frame latency of `katanet serve`: a child process changes routes at a steady
// rate in a test namespace; the time from sending a route add to the first frame that
// contains it, as one of N connected clients receives it. p50/p99 per rate, client
// count and coalescing window; each run lasts RUN_MS.

import { fork } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { serve } from "../../host/serve/server.ts";
import { typeByName } from "../../host/schema.ts";
import { createNamespace, deleteNamespaces, ipBatch, namespaceTestsUnavailable } from "../support/netns.ts";
import { SETUP } from "../watch/scenario.ts";
import { formatTable } from "./table.ts";

const RUN_MS = 2000;
const RATES = [1_000, 10_000];
const CLIENT_COUNTS = [1, 100];
const COALESCE_MS = [1, 20];
const CHURN_PREFIX = "10.150.";

const churnScript = fileURLToPath(new URL(`../watch/route-churn${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

interface Run {
  latenciesMs: number[];
  frames: number;
  adds: number;
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

async function measure(namespace: string, rate: number, clients: number, coalesceMs: number): Promise<Run> {
  const server = await serve({ netns: namespace, coalesceMs, maxClients: clients + 1 });
  const frames: Array<{ at: number; newest: number }> = [];
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const socket = new WebSocket(server.address, "katanet.v1");
      await new Promise((resolve, reject) => socket.once("message", resolve).once("error", reject));
      sockets.push(socket);
    }
    // Only the last client to connect measures: it is served after all the others.
    sockets[sockets.length - 1].on("message", (data: Buffer) => {
      frames.push({ at: Number(process.hrtime.bigint()), newest: newestRouteIn(data) });
    });
    const child = fork(churnScript, [namespace, String(rate), String(RUN_MS)]);
    const addTimes = await new Promise<number[]>((resolve, reject) => {
      child.once("message", (message) => resolve(message as number[]));
      child.once("error", reject);
      child.once("exit", (code) => code !== 0 && reject(new Error(`route-churn exited with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, coalesceMs + 200));
    return { ...latencies(addTimes, frames), frames: frames.length, adds: addTimes.length };
  } finally {
    for (const socket of sockets) socket.terminate();
    await server.close();
    ipBatch(namespace, ["route flush root 10.150.0.0/16"]);
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

export async function runSuite(): Promise<void> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) {
    console.log(`watch bench skipped: ${unavailable}`);
    return;
  }
  const namespace = createNamespace();
  const rows: string[][] = [];
  try {
    ipBatch(namespace, SETUP);
    // Unmeasured: the first run compiles the whole path (scan, diff, encode, ws send).
    await measure(namespace, RATES[0], 1, COALESCE_MS[0]);
    for (const coalesceMs of COALESCE_MS) {
      for (const rate of RATES) {
        for (const clients of CLIENT_COUNTS) {
          const run = await measure(namespace, rate, clients, coalesceMs);
          const sorted = run.latenciesMs.sort((a, b) => a - b);
          if (sorted.length < run.adds) throw new Error(`only ${sorted.length} of ${run.adds} route adds reached a client`);
          rows.push([
            `${rate}`,
            `${clients}`,
            `${coalesceMs}`,
            `${run.frames}`,
            percentile(sorted, 50).toFixed(2),
            percentile(sorted, 99).toFixed(2),
            sorted[sorted.length - 1].toFixed(2),
          ]);
        }
      }
    }
  } finally {
    deleteNamespaces(namespace);
  }
  console.log(`route add → frame at the last-connected client, ${RUN_MS / 1000} s per row (half the events are adds, half deletes)\n`);
  console.log(formatTable(["events/s", "clients", "coalesce ms", "frames", "p50 ms", "p99 ms", "max ms"], rows));
}
