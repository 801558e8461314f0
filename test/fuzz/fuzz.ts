// Fuzzes the Wasm core: node dist/test/fuzz/fuzz.js --count N --seed S [--hang-ms MS]
// Exit status 1 when any input trapped, hung, was rejected without a clear error or a
// right offset, or disagreed with the reference; the summary line says how many.
import { parseArgs } from "node:util";
import { runCampaign, type CampaignStats } from "./campaign.ts";
import { loadCorpus } from "./corpus.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    "hang-ms": { type: "string", default: "2000" },
    "skip-exhaustive": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const hangMs = Number(values["hang-ms"]);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed) || !(hangMs > 0)) {
  console.error("usage: fuzz --count N --seed S [--hang-ms MS] [--skip-exhaustive]");
  process.exit(2);
}

const started = performance.now();
const corpus = loadCorpus();
const stats = runCampaign(corpus, {
  count,
  seed,
  hangMs,
  exhaustiveTruncations: !values["skip-exhaustive"],
  onProgress: (done, s) => {
    if (done % 100_000 === 0) console.error(`${done} inputs, ${s.failureCount} failures, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
});
printReport(stats, (performance.now() - started) / 1000);
process.exitCode = stats.failureCount > 0 ? 1 : 0;

function printReport(s: CampaignStats, seconds: number): void {
  console.log("inputs by family:", JSON.stringify(s.byFamily));
  console.log("outcomes:", JSON.stringify(s.outcomes));
  console.log(`error kinds (${s.errorKinds.size}):`);
  for (const [kind, n] of [...s.errorKinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(8)}  ${kind}`);
  for (const f of s.failures) console.log(`FAIL input ${f.index} (${f.family}): ${f.why}`);
  console.log(
    `fuzz: seed ${seed}, ${s.inputs} inputs in ${seconds.toFixed(0)} s: ${s.traps} traps, ${s.hangs} hangs (> ${hangMs} ms), ` +
      `max ${s.maxMs.toFixed(1)} ms per input (${s.maxMsFamily}), ${s.failureCount} failures, ` +
      `${s.differentialChecked} differential checks with ${s.disagreements} disagreements, ` +
      `${s.errorTexts.size} distinct error messages (${s.errorKinds.size} kinds), ` +
      `${s.coreInstances} core instance(s), peak Wasm memory ${(s.maxWasmBytes / 1048576).toFixed(1)} MiB`,
  );
}
