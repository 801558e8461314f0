// What tracing costs a scan (the 10,000-route namespace, in process, one thread): with
// nothing registered, katanet does not even load @opentelemetry/api; with a tracer
// provider and an in-memory exporter, every scan records its spans. The two alternate
// within each round, registering and unregistering the provider around each.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Bench } from "tinybench";
import { KatanetCore } from "../../host/core.ts";
import { scan } from "../../host/scan.ts";
import { OTEL_REGISTRATIONS } from "../../host/trace.ts";
import { namespaceTestsUnavailable } from "../support/netns.ts";
import { buildManyRoutesNamespace } from "./large-namespace.ts";
import { median } from "./stats.ts";
import { formatTable } from "./table.ts";

export const title = "Tracing: a scan with and without a tracer provider";

const ROUNDS = 20;
const OFF = "scan, nothing registered";
const ON = "scan, spans recorded";

const exporter = new InMemorySpanExporter();

function register(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
}

function unregister(): void {
  trace.disable();
  context.disable();
  delete (globalThis as Record<symbol, unknown>)[OTEL_REGISTRATIONS]; // so that katanet sees none at all
  exporter.reset();
}

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) return `tracing bench skipped: ${unavailable}`;
  const namespaces = await buildManyRoutesNamespace();
  const core = new KatanetCore();
  const scanOnce = () => void scan({ netns: namespaces.namespace, rules: ["seed"], core, dumpThread: false });
  const perRound = new Map<string, number[]>([[OFF, []], [ON, []]]);
  const ratios: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: 100, warmupTime: 10 });
      bench.add(OFF, scanOnce);
      bench.add(ON, scanOnce, { beforeAll: register, afterAll: unregister });
      await bench.run();
      const medians = new Map(bench.tasks.map((task) => [task.name, task.result.state === "completed" ? task.result.latency.p50 ?? task.result.period : NaN]));
      for (const [name, ms] of medians) perRound.get(name)!.push(ms);
      ratios.push(medians.get(ON)! / medians.get(OFF)!);
    }
  } finally {
    unregister();
    namespaces.delete();
  }
  const rows = [
    [OFF, median(perRound.get(OFF)!).toFixed(2), "1.00×"],
    [ON, median(perRound.get(ON)!).toFixed(2), `${median(ratios).toFixed(2)}×`],
  ];
  return [
    `${ROUNDS} rounds, ${namespaces.routes} routes, median of the rounds' median per call\n`,
    formatTable(["path", "ms", "vs nothing registered"], rows),
  ].join("\n");
}
