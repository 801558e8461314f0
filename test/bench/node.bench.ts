// The node agent's cost and fairness. For 1, 100 and 500 namespaces (NODE_BENCH_COUNTS
// overrides): resident memory and descriptors of one node agent following all of them,
// next to single-namespace `katanet serve` processes (10 measured, scaled to the count),
// and the time from starting the agent to its listing showing every namespace streaming.
// Then, with the largest count: the delay of one route change in a quiet namespace, sent
// over netlink from here, until its frame arrives, without and during storms of 20,000
// route changes (`ip -batch`) in another namespace; beside it the kernel's own share (the
// request's acknowledgement), the agent's event-loop delay and how late this process's own
// timer fires, which tell the agent's unfairness from the machine's load. And the agent's
// resident memory before the storms, at their peak and after (host/node/memory-settler.ts).
//
// Each namespace has one veth pair (eth0, peer0) carrying ten links' worth of objects: 20
// addresses, 50 routes and 30 permanent neighbours. A veth pair per simulated link would
// make building 500 namespaces take minutes on this machine; the dumps, and so the scans,
// hold the same number of addresses, routes and neighbours either way.

import { fork, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { inNamespace } from "../../host/netlink/netns.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import { ip, ipBatch, namespaceTestsUnavailable, uniqueNamespaceName } from "../support/netns.ts";
import { NLM_F_CREATE, NLM_F_EXCL, routeMessage, RTM_NEWROUTE } from "../watch/route-churn.ts";
import { routeBurst, SETUP } from "../watch/scenario.ts";
import { DEFAULT_COALESCE_MS } from "../../host/watch/watcher.ts";
import type { LoopDelay } from "./node-server.ts";
import { formatTable } from "./table.ts";

const COUNTS = (process.env.NODE_BENCH_COUNTS ?? "1,100,500").split(",").map(Number);
const SINGLE_PROCESSES = 10;
const STORMS = 6;
const QUIET_SAMPLES = 60;

const scriptExtension = extname(fileURLToPath(import.meta.url));
const serverScript = fileURLToPath(new URL(`./node-server${scriptExtension}`, import.meta.url));
const cliScript = fileURLToPath(new URL(`../../host/cli${scriptExtension}`, import.meta.url));

function objectLines(): string[] {
  const lines = [...SETUP];
  for (let i = 2; i <= 20; i++) lines.push(`addr add 10.1.0.${i}/24 dev eth0`);
  for (let i = 0; i < 50; i++) lines.push(`route add 10.60.${i}.0/24 via 10.1.0.254 dev eth0`);
  for (let i = 0; i < 30; i++) lines.push(`neigh add 10.1.0.${100 + i} lladdr 02:00:00:00:aa:${i.toString(16).padStart(2, "0")} dev eth0 nud permanent`);
  return lines;
}

function buildNamespaces(count: number): string[] {
  const names = Array.from({ length: count }, () => uniqueNamespaceName());
  ip(["-batch", "-"], `${names.map((name) => `netns add ${name}`).join("\n")}\n`);
  const lines = objectLines();
  for (const name of names) ipBatch(name, lines);
  return names;
}

function deleteAll(names: string[]): void {
  if (names.length > 0) ip(["-batch", "-"], `${names.map((name) => `netns del ${name}`).join("\n")}\n`);
}

interface Usage {
  rssMiB: number;
  fds: number;
}

function usageOf(pid: number): Usage {
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return { rssMiB: rssKiB / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve(message as T));
    child.once("exit", (code) => reject(new Error(`node-server exited with ${code} before reporting`)));
  });
}

/** Resolves once a listing shows all `names` streaming. */
function allStreaming(address: string, names: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${address}/netns`, "katanet.json.v1");
    socket.on("message", (data: Buffer) => {
      const listing = JSON.parse(data.toString()).namespaces?.namespaces as Array<{ name: string; state: string }> | undefined;
      const streaming = new Set(listing?.filter((status) => status.state === "STREAMING").map((status) => status.name));
      if (names.every((name) => streaming.has(name))) resolve(socket);
    });
    socket.once("error", reject);
  });
}

async function startAgent(names: string[]): Promise<{ child: ChildProcess; address: string; startMs: number; stop(): Promise<void> }> {
  const startedAt = performance.now();
  const child = fork(serverScript, names);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const { address } = await firstMessage<{ address: string }>(child);
  (await allStreaming(address, names)).terminate();
  return {
    child,
    address,
    startMs: performance.now() - startedAt,
    stop: async () => {
      child.disconnect();
      await exited;
    },
  };
}

/** Summed usage of `count` single-namespace `katanet serve` processes, each listening. */
async function singleProcesses(names: string[]): Promise<Usage> {
  const children = names.map((name) => spawn(process.execPath, [cliScript, "serve", "--netns", name], { stdio: ["ignore", "ignore", "pipe"] }));
  try {
    await Promise.all(children.map((child) => new Promise((resolve) => child.stderr!.on("data", (text: Buffer) => text.includes("listening") && resolve(undefined)))));
    return children.map((child) => usageOf(child.pid!)).reduce((sum, usage) => ({ rssMiB: sum.rssMiB + usage.rssMiB, fds: sum.fds + usage.fds }));
  } finally {
    for (const child of children) child.kill();
  }
}

let quietRoutes = 0;

/** Adds a route to `quiet` every 10-20 ms and times each until its frame arrives (and,
 * into `acks`, until the kernel acknowledged it: its own share, rtnl_lock waits included). */
async function quietChanges(address: string, quiet: string, samples: number, until: () => boolean, acks?: number[]): Promise<number[]> {
  const socket = new WebSocket(`${address}/netns/${quiet}`, "katanet.v1");
  await new Promise((resolve, reject) => socket.once("message", resolve).once("error", reject));
  const netlink = inNamespace(quiet, () => NetlinkSocket.open());
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples && !until(); i++) {
      const arrived = new Promise<number>((resolve) => socket.once("message", () => resolve(performance.now())));
      const sentAt = performance.now();
      netlink.request(routeMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, quietRoutes++));
      acks?.push(performance.now() - sentAt);
      latencies.push((await arrived) - sentAt);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 10));
    }
  } finally {
    netlink.close();
    socket.terminate();
  }
  return latencies;
}

/** How late a 1 ms timer fires, again and again until stopped: the machine's own
 * wake-up delay, which bounds the agent's and this process's too. */
function wakeLateness(): { stop(): number[] } {
  const late: number[] = [];
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const due = performance.now() + 1;
    timer = setTimeout(() => {
      late.push(performance.now() - due);
      arm();
    }, 1);
  };
  arm();
  return { stop: () => (clearTimeout(timer), late) };
}

function storm(namespace: string): { done: () => boolean; finished: Promise<void> } {
  let over = false;
  const child = spawn("ip", ["-n", namespace, "-batch", "-"], { stdio: ["pipe", "ignore", "inherit"] });
  child.stdin.end(`${routeBurst().join("\n")}\n`);
  const finished = new Promise<void>((resolve) => child.once("exit", () => ((over = true), resolve())));
  return { done: () => over, finished };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value: number) => value.toFixed(2);

/** The agent's event-loop delay since it was last asked (see node-server.ts). */
function agentLoopDelay(child: ChildProcess): Promise<LoopDelay> {
  const answer = firstMessage<LoopDelay>(child);
  child.send("loop-delay");
  return answer;
}

const WINDOW_MS = DEFAULT_COALESCE_MS;
/** "A few ms" beyond its window: more than this counts as held up. */
const HELD_UP_MS = WINDOW_MS + 5;

function latencyRow(label: string, latencies: number[], acks: number[], loop: LoopDelay, wakeUps: number[]): string[] {
  const heldUp = latencies.filter((latency) => latency > HELD_UP_MS).length;
  return [
    label,
    String(latencies.length),
    ms(percentile(latencies, 50)),
    ms(percentile(latencies, 99)),
    ms(Math.max(...latencies)),
    String(heldUp),
    `${ms(percentile(acks, 99))} / ${ms(Math.max(...acks))}`,
    `${ms(loop.p50)} / ${ms(loop.p99)} / ${ms(loop.max)}`,
    `${ms(percentile(wakeUps, 50))} / ${ms(percentile(wakeUps, 99))} / ${ms(Math.max(...wakeUps))}`,
  ];
}

/** The agent's RSS every 250 ms from now to `seconds` later. */
async function rssFor(pid: number, seconds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let elapsed = 0; elapsed <= seconds * 1000; elapsed += 250) {
    samples.push(usageOf(pid).rssMiB);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return samples;
}

/** Long enough for the agent to settle its memory after work (host/node/memory-settler.ts:
 * 6 s nearly idle, checked every 2 s). */
const SETTLED_S = 15;

async function fairness(agent: ChildProcess, address: string, stormy: string, quiet: string): Promise<string> {
  const pid = agent.pid!;
  const before = (await rssFor(pid, SETTLED_S)).at(-1)!;
  await agentLoopDelay(agent);
  let lateness = wakeLateness();
  const calmAcks: number[] = [];
  const calm = await quietChanges(address, quiet, QUIET_SAMPLES, () => false, calmAcks);
  const calmLoop = await agentLoopDelay(agent);
  const calmWakeUps = lateness.stop();
  const during: number[] = [];
  const stormAcks: number[] = [];
  lateness = wakeLateness();
  let peak = before;
  for (let i = 0; i < STORMS; i++) {
    const running = storm(stormy);
    const sampler = setInterval(() => (peak = Math.max(peak, usageOf(pid).rssMiB)), 50);
    during.push(...(await quietChanges(address, quiet, 1000, running.done, stormAcks)));
    await running.finished;
    clearInterval(sampler);
    ipBatch(stormy, ["route flush root 10.200.0.0/16"]);
  }
  const stormLoop = await agentLoopDelay(agent);
  const stormWakeUps = lateness.stop();
  const afterwards = await rssFor(pid, SETTLED_S);
  const table = formatTable(
    ["quiet namespace: route change → frame", "samples", "p50 ms", "p99 ms", "max ms", `> ${HELD_UP_MS} ms`, "kernel ack p99/max ms", "agent loop delay p50/p99/max ms", "bench's 1 ms timer late p50/p99/max ms"],
    [
      latencyRow("no storm", calm, calmAcks, calmLoop, calmWakeUps),
      latencyRow(`during ${STORMS} storms of 20,000 route changes in another`, during, stormAcks, stormLoop, stormWakeUps),
    ],
  );
  const at = (seconds: number) => afterwards[Math.round((seconds * 1000) / 250)];
  const settled = afterwards.at(-1)!;
  return (
    `${table}\n\nA lone change is rescanned 1 ms after it (the window, ${WINDOW_MS} ms, bounds a burst's wait); ` +
    `"> ${HELD_UP_MS} ms" counts changes held up beyond the window by more than a few ms. The agent's loop delay ` +
    `(monitorEventLoopDelay, 2 ms resolution) and this process's own timer lateness show the machine's share of it.\n\n` +
    `agent RSS: ${before.toFixed(1)} MiB before the storms (settled), ${peak.toFixed(1)} MiB peak (sampled every 50 ms), ` +
    `${at(3).toFixed(1)} MiB 3 s after, ${settled.toFixed(1)} MiB ${SETTLED_S} s after: ` +
    `returns to within ${Math.max(0, settled - before).toFixed(1)} MiB of before`
  );
}

export const title = "One agent for the node: cost per namespace and fairness";

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) return `node agent bench skipped: ${unavailable}`;
  const rows: string[][] = [];
  let fairnessReport = "";
  let names: string[] = [];
  try {
    for (const count of COUNTS) {
      const buildStart = performance.now();
      names.push(...buildNamespaces(count - names.length));
      const buildSeconds = (performance.now() - buildStart) / 1000;
      const agent = await startAgent(names);
      const usage = usageOf(agent.child.pid!);
      const single = await singleProcesses(names.slice(0, Math.min(SINGLE_PROCESSES, count)));
      const scale = count / Math.min(SINGLE_PROCESSES, count);
      rows.push([
        String(count),
        usage.rssMiB.toFixed(1),
        String(usage.fds),
        ms(agent.startMs),
        (single.rssMiB * scale).toFixed(0),
        String(Math.round(single.fds * scale)),
        buildSeconds.toFixed(1),
      ]);
      if (count === COUNTS[COUNTS.length - 1] && count >= 2) fairnessReport = await fairness(agent.child, agent.address, names[0], names[1]);
      await agent.stop();
    }
  } finally {
    deleteAll(names);
    names = [];
  }
  const load = `load average while measuring (2 vCPUs, shared): ${loadavg().map((load) => load.toFixed(1)).join(" ")}`;
  return `${load}\n\n${formatTable(
      ["namespaces", "agent RSS MiB", "agent fds", "start → all streaming ms", `single serves RSS MiB (${SINGLE_PROCESSES} measured, scaled)`, "single serves fds (scaled)", "build s"],
    rows,
  )}${fairnessReport ? `\n\n${fairnessReport}` : ""}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await runSuite());
