// Attach + detach (Kata's tcfilter recipe) against the same work done with `ip` and `tc`,
// measured side by side in one run: one endpoint, and 100 namespaces with one endpoint
// each. Paths take turns within every round (their order rotates), and a ratio is the
// median of the ratios within each round, so the shared VM's drift hits every path alike.
// Each pass also times its attach and detach halves apart: deleting a link waits for the
// kernel (an RCU grace period), which no tool can shorten. Root needed; the namespaces are
// built here.
import { execFileSync } from "node:child_process";
import { Bench } from "tinybench";
import { attach, detach } from "../../host/attach/index.ts";
import { packageFile } from "../../host/paths.ts";
import { namespaceTestsUnavailable } from "../support/netns.ts";
import { attachWithBatches, attachWithCommands, detachWithCommands, endpointNamespaces } from "./attach-recipe.ts";
import { formatTable } from "./table.ts";

const CLI = packageFile("bin", "katanet.js");
const LIBRARY = "katanet attach()/detach()";

interface Path {
  name: string;
  attach(namespace: string): void;
  detach(namespace: string): void;
}

const library: Path = { name: LIBRARY, attach: (netns) => void attach({ netns, keepFds: false }), detach: (netns) => void detach({ netns }) };

/** A node process per step, as a shell script calling katanet would run them. */
const commandLine: Path = {
  name: "katanet attach/detach commands",
  attach: (netns) => void execFileSync(process.execPath, [CLI, "attach", "--netns", netns], { stdio: "ignore" }),
  detach: (netns) => void execFileSync(process.execPath, [CLI, "detach", "--netns", netns], { stdio: "ignore" }),
};

const TOOLS: Path[] = [
  { name: "ip/tc, one command a step (7 + 2)", attach: attachWithCommands, detach: detachWithCommands },
  { name: "ip/tc, batched (3 + 2 commands)", attach: attachWithBatches, detach: detachWithCommands },
];

interface Workload {
  label: string;
  namespaces: number;
  rounds: number;
  paths: Path[];
  /** tinybench limits per path and round. */
  iterations: number;
  timeMs: number;
  /** One unmeasured pass per path first (the JIT, the first netlink sockets). */
  warmup: boolean;
}

// Short: two shared cores. 100 namespaces by `ip`/`tc` take seconds per pass (and by the
// katanet command, whose Node start-up dominates, too long to be worth it).
const WORKLOADS: Workload[] = [
  { label: "1 endpoint", namespaces: 1, paths: [library, commandLine, ...TOOLS], rounds: 6, iterations: 3, timeMs: 150, warmup: true },
  { label: "100 namespaces × 1 endpoint", namespaces: 100, paths: [library, ...TOOLS], rounds: 2, iterations: 1, timeMs: 0, warmup: false },
];

/** One path in one round: the pass's median (tinybench) and its halves' means, in ms. */
interface Timing {
  pass: number;
  attach: number;
  detach: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Each round runs every path over all the workload's namespaces, attach then detach. */
async function measure(workload: Workload, namespaces: string[]): Promise<Map<string, Timing>[]> {
  const rounds: Map<string, Timing>[] = [];
  for (let round = 0; round < workload.rounds; round++) {
    const halves = new Map<string, { attach: number; detach: number; passes: number }>();
    const bench = new Bench({
      iterations: workload.iterations,
      time: workload.timeMs,
      warmup: workload.warmup && round === 0,
      warmupIterations: 1,
      warmupTime: 0,
      // Only the measured passes count towards the halves.
      setup: (task, mode) => void (task && mode === "run" && halves.set(task.name, { attach: 0, detach: 0, passes: 0 })),
    });
    const paths = workload.paths;
    for (let i = 0; i < paths.length; i++) {
      const path = paths[(round + i) % paths.length];
      bench.add(path.name, () => {
        const sums = halves.get(path.name) ?? { attach: 0, detach: 0, passes: 0 };
        for (const namespace of namespaces) {
          const started = performance.now();
          path.attach(namespace);
          const attached = performance.now();
          path.detach(namespace);
          sums.attach += attached - started;
          sums.detach += performance.now() - attached;
        }
        sums.passes += 1;
      });
    }
    await bench.run();
    const timings = new Map<string, Timing>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name}, ${workload.label}: ${result.state}${"error" in result ? `: ${String(result.error)}` : ""}`);
      const sums = halves.get(task.name)!;
      timings.set(task.name, { pass: result.latency.p50 ?? result.period, attach: sums.attach / sums.passes, detach: sums.detach / sums.passes });
    }
    rounds.push(timings);
  }
  return rounds;
}

export const title = "Attach and detach: katanet against ip/tc";

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) return `attach bench skipped: ${unavailable}`;
  const rows: string[][] = [];
  for (const workload of WORKLOADS) {
    const fixture = endpointNamespaces(workload.namespaces);
    try {
      const rounds = await measure(workload, fixture.namespaces);
      for (const { name } of workload.paths) {
        const of = (part: keyof Timing) => median(rounds.map((round) => round.get(name)![part])).toFixed(1);
        const ratio = (part: keyof Timing) => median(rounds.map((round) => round.get(name)![part] / round.get(LIBRARY)![part]));
        const ratios = rounds.map((round) => round.get(name)!.pass / round.get(LIBRARY)!.pass);
        const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
        rows.push([workload.label, name, of("pass"), `${ratio("pass").toFixed(2)}×`, range, of("attach"), `${ratio("attach").toFixed(2)}×`, of("detach")]);
      }
    } finally {
      fixture.delete();
    }
  }
  return [
    "attach + detach, tcfilter (tap, two ingress qdiscs, two u32 redirects), all in one run;",
    "ms per pass over the namespaces (median of rounds); vs the library: median of per-round ratios (range)\n",
    formatTable(["work", "path", "ms", "vs katanet", "range", "attach ms", "attach vs katanet", "detach ms"], rows),
  ].join("\n");
}
