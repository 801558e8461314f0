// Live follow, end to end: `serve()` watches namespace A in this process, the real
// `katanet follow` command runs as a child process and mirrors the stream into namespace B
// (NICs with A's names and MACs, nothing else). Then A changes — a route with an MTU, a
// permanent neighbour, an address replaced by another — and after each change B's scan
// must match A's again (so B loses the old address).
// The deadline is generous; the observed time of each convergence is printed, not asserted.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { packageFile } from "../../host/paths.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { stopChild } from "../support/processes.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip, waitForSettledNamespace } from "../support/netns.ts";
import { buildMirror, comparable, extraLinkLocal, seedMessages, type Mirror } from "./support.ts";

const CLI = packageFile("dist", "host", "cli.js");
const MAC = "02:00:00:00:dd:01";
const CONVERGENCE_DEADLINE_MS = 5000;
const POLL_INTERVAL_MS = 20;

/** A's and B's scans, reduced to what apply must reproduce (see comparable in support.ts). */
function scansOf(a: string, b: string) {
  const fromA = seedMessages(a);
  const fromB = seedMessages(b);
  return { a: comparable(fromA), b: comparable(fromB, extraLinkLocal(fromA, fromB)) };
}

/** Polls until B's scan matches A's; returns the milliseconds it took, or fails with the difference. */
async function convergence(a: string, b: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const scans = scansOf(a, b);
    const elapsed = performance.now() - started;
    if (elapsed > CONVERGENCE_DEADLINE_MS) assert.deepEqual(scans.b, scans.a, `B did not match A within ${CONVERGENCE_DEADLINE_MS} ms`);
    if (JSON.stringify(scans.b) === JSON.stringify(scans.a)) return elapsed;
    await sleep(POLL_INTERVAL_MS);
  }
}

interface Follow {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `katanet follow URL --netns B` as a user runs it. */
function startFollow(url: string, namespace: string): Follow {
  const child = spawn(process.execPath, [CLI, "follow", url, "--netns", namespace], { stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output.stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output.stderr += text));
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, output, exited };
}

describe("katanet follow against a live katanet serve", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  it("mirrors A into B: the snapshot, then a route with an MTU, a neighbour and a changed address", async () => {
    const created: string[] = [];
    let mirror: Mirror | undefined;
    let server: Server | undefined;
    let follow: Follow | undefined;
    try {
      const a = createNamespace();
      created.push(a);
      const aPeer = createNamespace();
      created.push(aPeer);
      ipBatch(aPeer, [`link add p0 type veth peer name eth0 netns ${a} address ${MAC}`, "link set p0 up"]);
      ipBatch(a, ["addr add 10.0.0.2/24 dev eth0", "link set eth0 up", "route add default via 10.0.0.1"]);
      // So that deleting the old address keeps its replacement (a secondary in the same
      // subnet) and, with it, A's routes through 10.0.0.1.
      ip(["netns", "exec", a, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.promote_secondaries=1"]);
      await waitForSettledNamespace(a);
      mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
      server = await serve({ netns: a });
      follow = startFollow(server.address, mirror.namespace);

      const snapshotMs = await convergence(a, mirror.namespace);
      console.log(`follow-live: B matched A's snapshot ${snapshotMs.toFixed(0)} ms after follow started`);

      const changes: Array<[string, string[]]> = [
        ["a route with an MTU", ["route add 10.9.0.0/16 via 10.0.0.1 mtu 1400"]],
        ["a permanent neighbour", ["neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev eth0 nud permanent"]],
        // Last: applying an interface update takes B's link down, which drops the route and
        // neighbour above; the stream must bring them back.
        ["an address changed", ["addr add 10.0.0.3/24 dev eth0", "addr del 10.0.0.2/24 dev eth0"]],
      ];
      for (const [what, commands] of changes) {
        ipBatch(a, commands);
        const elapsedMs = await convergence(a, mirror.namespace);
        console.log(`follow-live: B matched A ${elapsedMs.toFixed(0)} ms after ${what} (${commands.join("; ")})`);
      }
      assert.doesNotMatch(ip(["-n", mirror.namespace, "addr", "show", "eth0"]), /inet 10\.0\.0\.2\//);
      assert.match(ip(["-n", mirror.namespace, "route"]), /^10\.9\.0\.0\/16 via 10\.0\.0\.1 dev eth0 mtu 1400/m);

      const { code, signal } = await stopChild(follow.child, follow.exited, "SIGTERM");
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, follow.output.stderr);
      assert.equal(follow.output.stderr, "");
      assert.match(follow.output.stdout, /^snapshot \d+: \d+ writes? applied, 0 skipped\n/);
      assert.doesNotMatch(follow.output.stdout, /failed/);
    } finally {
      if (follow) await stopChild(follow.child, follow.exited, "SIGTERM");
      await server?.close();
      mirror?.delete();
      deleteNamespaces(...created);
    }
  });
});
