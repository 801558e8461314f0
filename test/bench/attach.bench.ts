// Attach + detach (Kata's tcfilter recipe) against the same work done with `ip` and `tc`,
// measured side by side in one run: one endpoint, and 100 namespaces with one endpoint
// each. Paths take turns within every round (their order rotates), and a ratio is the
// median of the ratios within each round, so the shared VM's drift hits every path alike.
// Root needed; the namespaces are built here.
import { execFileSync } from "node:child_process";
import { Bench } from "tinybench";
import { attach, detach } from "../../host/attach/index.ts";
import { packageFile } from "../../host/paths.ts";
import { namespaceTestsUnavailable } from "../support/netns.ts";
import { attachWithBatches, attachWithCommands, detachWithCommands, endpointNamespaces } from "./attach-recipe.ts";
import { formatTable } from "./table.ts";

const CLI = packageFile("dist", "host", "cli.js");
const LIBRARY = "katanet attach()/detach()";

type Path = [name: string, attachAndDetach: (namespace: string) => void];

const library: Path = [
  LIBRARY,
  (netns) => {
    attach({ netns, keepFds: false });
    detach({ netns });
  },
];

/** Two node processes per pass, as a shell script calling katanet would run them. */
const commandLine: Path = [
  "katanet attach/detach commands",
  (netns) => {
    execFileSync(process.execPath, [CLI, "attach", "--netns", netns], { stdio: "ignore" });
    execFileSync(process.execPath, [CLI, "detach", "--netns", netns], { stdio: "ignore" });
  },
];

const TOOLS: Path[] = [
  [
    "ip/tc, one command a step (9)",
    (netns) => {
      attachWithCommands(netns);
      detachWithCommands(netns);
    },
  ],
  [
    "ip/tc, batched (5 commands)",
    (netns) => {
      attachWithBatches(netns);
      detachWithCommands(netns);
    },
  ],
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

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median milliseconds of one attach + detach over all the workload's namespaces, per path and round. */
async function measure(workload: Workload, namespaces: string[]): Promise<Map<string, number>[]> {
  const rounds: Map<string, number>[] = [];
  for (let round = 0; round < workload.rounds; round++) {
    const bench = new Bench({ iterations: workload.iterations, time: workload.timeMs, warmup: workload.warmup && round === 0, warmupIterations: 1, warmupTime: 0 });
    const paths = workload.paths;
    for (let i = 0; i < paths.length; i++) {
      const [name, attachAndDetach] = paths[(round + i) % paths.length];
      bench.add(name, () => {
        for (const namespace of namespaces) attachAndDetach(namespace);
      });
    }
    await bench.run();
    const medians = new Map<string, number>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name}, ${workload.label}: ${result.state}${"error" in result ? `: ${String(result.error)}` : ""}`);
      medians.set(task.name, result.latency.p50 ?? result.period);
    }
    rounds.push(medians);
  }
  return rounds;
}

export async function runSuite(): Promise<void> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) {
    console.log(`attach bench skipped: ${unavailable}`);
    return;
  }
  const rows: string[][] = [];
  for (const workload of WORKLOADS) {
    const fixture = endpointNamespaces(workload.namespaces);
    try {
      const rounds = await measure(workload, fixture.namespaces);
      for (const [name] of workload.paths) {
        const ratios = rounds.map((round) => round.get(name)! / round.get(LIBRARY)!);
        const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
        rows.push([workload.label, name, median(rounds.map((round) => round.get(name)!)).toFixed(1), `${median(ratios).toFixed(2)}×`, range]);
      }
    } finally {
      fixture.delete();
    }
  }
  console.log("attach + detach, tcfilter (tap, two ingress qdiscs, two u32 redirects), one run;");
  console.log("ms per pass over the namespaces (median of rounds), vs the library: median of per-round ratios and their range\n");
  console.log(formatTable(["work", "path", "ms", "vs katanet attach()", "range"], rows));
}
