// Whole processes, as a one-shot user meets katanet: the installed command (bin/katanet.js,
// which runs the bundle in dist/cli/) on the 10,000-route namespace: `katanet scan` (pb64
// output, and the default text), `katanet attach` of its one endpoint then `katanet detach`,
// and `katanet --help`, next to `node -e 0`, the floor any Node command pays. Rounds run
// every step once in a rotated order (attach always right before its detach); a ratio is
// the median of the ratios within each round, as the VM's speed drifts.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { packageFile } from "../../host/paths.ts";
import { namespaceTestsUnavailable } from "../support/netns.ts";
import { buildManyRoutesNamespace } from "./large-namespace.ts";
import { median } from "./stats.ts";
import { formatTable } from "./table.ts";

export const title = "Start-up: whole processes";

const ROUNDS = 30;
const WARMUP_ROUNDS = 3;

function timeProcess(args: string[]): number {
  const started = performance.now();
  const result = spawnSync("node", args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/** What one round runs, in rotated order: a step is one process or several run back to back. */
type Step = [name: string, args: string[]][];

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) return `start-up bench skipped: ${unavailable}`;
  const namespaces = await buildManyRoutesNamespace();
  const katanet = packageFile("bin", "katanet.js");
  const netns = ["--netns", namespaces.namespace];
  const steps: Step[] = [
    [["node -e 0", ["-e", "0"]]],
    [["katanet --help", [katanet, "--help"]]],
    [["katanet scan --format pb64", [katanet, "scan", ...netns, "--format", "pb64"]]],
    [["katanet scan (text)", [katanet, "scan", ...netns]]],
    [
      ["katanet attach (text)", [katanet, "attach", ...netns]],
      ["katanet detach", [katanet, "detach", ...netns]],
    ],
  ];
  const names = steps.flat().map(([name]) => name);
  const times = new Map(names.map((name) => [name, [] as number[]]));
  const ratios = new Map(names.map((name) => [name, [] as number[]]));
  try {
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const thisRound = new Map<string, number>();
      for (let i = 0; i < steps.length; i++) {
        for (const [name, args] of steps[(round + i) % steps.length]) thisRound.set(name, timeProcess(args));
      }
      if (round < WARMUP_ROUNDS) continue;
      for (const [name, ms] of thisRound) {
        times.get(name)!.push(ms);
        ratios.get(name)!.push(ms / thisRound.get("node -e 0")!);
      }
    }
  } finally {
    namespaces.delete();
  }
  const rows = names.map((name) => [name, median(times.get(name)!).toFixed(1), `${median(ratios.get(name)!).toFixed(2)}×`]);
  return [
    `${ROUNDS} rounds of whole processes (${process.version}), ${namespaces.routes} routes in the scanned namespace;`,
    "median wall-clock time, and the median of the per-round ratios to node -e 0\n",
    formatTable(["command", "ms", "vs node -e 0"], rows),
  ].join("\n");
}
