// The fuzzing loop shared by the command (fuzz.ts) and the CI sample (fuzz.test.ts): runs
// `count` inputs from a seed through one Wasm core and tallies what happened.
import { KatanetCore } from "../../host/core.ts";
import type { Corpus } from "./corpus.ts";
import { disagreement } from "./differential.ts";
import type { FuzzCase } from "./fuzz-case.ts";
import { everyTruncation, lyingAttributeLength, lyingMessageLength, randomTruncation } from "./lies.ts";
import { flippedBytes, randomBytes } from "./noise.ts";
import { messageKind, runCore, type Outcome } from "./outcome.ts";
import { Random } from "./random.ts";
import { deepNesting, emptyAttributes, hugeCount, mixedTypes, privateRecords, unknownAttributes } from "./structures.ts";
import { validMutation } from "./valid-mutations.ts";

type Generator = (random: Random, corpus: Corpus) => FuzzCase;

/** How often each kind of input comes up; huge counts are slow, so they are rare. */
const FAMILIES: [Generator, number][] = [
  [randomBytes, 10],
  [flippedBytes, 15],
  [randomTruncation, 10],
  [lyingMessageLength, 10],
  [lyingAttributeLength, 15],
  [deepNesting, 3],
  [emptyAttributes, 2],
  [unknownAttributes, 8],
  [mixedTypes, 8],
  [privateRecords, 8],
  [validMutation, 11],
  [hugeCount, 0.02],
];
const TOTAL_WEIGHT = FAMILIES.reduce((sum, [, weight]) => sum + weight, 0);

/** The stub runtime never frees, but the core reuses its regions: memory only grows with
 * the largest input seen. Past this the instance is replaced, so one huge input does not
 * make every later one run in a bloated heap (and a leak would show as many renewals). */
const WASM_MEMORY_CAP = 256 * 1024 * 1024;

export interface CampaignOptions {
  count: number;
  seed: number;
  /** Start with every shape's message cut at every offset (part of `count`). */
  exhaustiveTruncations: boolean;
  /** An input slower than this counts as a hang. */
  hangMs: number;
  onProgress?: (done: number, stats: CampaignStats) => void;
}

export interface Failure {
  index: number;
  family: string;
  why: string;
}

export interface CampaignStats {
  inputs: number;
  byFamily: Record<string, number>;
  outcomes: Record<Outcome["kind"], number>;
  failures: Failure[];
  failureCount: number;
  traps: number;
  hangs: number;
  maxMs: number;
  maxMsFamily: string;
  differentialChecked: number;
  disagreements: number;
  errorTexts: Set<string>;
  errorKinds: Map<string, number>;
  coreInstances: number;
  maxWasmBytes: number;
}

const KEPT_FAILURES = 20;

export function runCampaign(corpus: Corpus, options: CampaignOptions): CampaignStats {
  const stats: CampaignStats = {
    inputs: 0, byFamily: {}, outcomes: { converted: 0, malformed: 0, kata: 0, failure: 0 }, failures: [], failureCount: 0,
    traps: 0, hangs: 0, maxMs: 0, maxMsFamily: "", differentialChecked: 0, disagreements: 0, errorTexts: new Set(),
    errorKinds: new Map(), coreInstances: 1, maxWasmBytes: 0,
  };
  let core = new KatanetCore();
  const fail = (index: number, family: string, why: string) => {
    stats.failureCount++;
    if (stats.failures.length < KEPT_FAILURES) stats.failures.push({ index, family, why });
  };
  const truncations = options.exhaustiveTruncations ? everyTruncation(corpus) : undefined;
  for (let index = 0; index < options.count; index++) {
    const fuzzCase = truncations?.next().value ?? generate(options.seed, index, corpus);
    stats.byFamily[fuzzCase.family] = (stats.byFamily[fuzzCase.family] ?? 0) + 1;
    const started = performance.now();
    const outcome = runCore(core, fuzzCase.input, fuzzCase.keepGoing);
    const elapsed = performance.now() - started;
    stats.inputs++;
    stats.outcomes[outcome.kind]++;
    if (elapsed > stats.maxMs) {
      stats.maxMs = elapsed;
      stats.maxMsFamily = fuzzCase.family;
    }
    if (elapsed > options.hangMs) {
      stats.hangs++;
      fail(index, fuzzCase.family, `took ${elapsed.toFixed(0)} ms (${fuzzCase.input.length} bytes)`);
    }
    if (outcome.kind === "failure") {
      if (outcome.why.startsWith("trap")) stats.traps++;
      fail(index, fuzzCase.family, outcome.why);
      core = new KatanetCore(); // a trapped instance's state is undefined
      stats.coreInstances++;
      continue;
    }
    if (outcome.kind === "malformed" || outcome.kind === "kata") {
      stats.errorTexts.add(outcome.error.message);
      const kind = `${outcome.kind}: ${messageKind(outcome.kind === "kata" ? outcome.error.message : outcome.error.detail)}`;
      stats.errorKinds.set(kind, (stats.errorKinds.get(kind) ?? 0) + 1);
    }
    const misplaced = misplacedOffset(fuzzCase, outcome);
    if (misplaced) fail(index, fuzzCase.family, misplaced);
    if (fuzzCase.reference) {
      stats.differentialChecked++;
      const difference = disagreement(fuzzCase.reference, outcome);
      if (difference) {
        stats.disagreements++;
        fail(index, fuzzCase.family, difference);
      }
    }
    const wasmBytes = core.reserve(0).buffer.byteLength;
    stats.maxWasmBytes = Math.max(stats.maxWasmBytes, wasmBytes);
    if (wasmBytes > WASM_MEMORY_CAP) {
      core = new KatanetCore();
      stats.coreInstances++;
    }
    if (options.onProgress && (index + 1) % 10_000 === 0) options.onProgress(index + 1, stats);
  }
  return stats;
}

/** The input a seed gives at an index, independent of every other index (replayable). */
export function generate(seed: number, index: number, corpus: Corpus): FuzzCase {
  const random = new Random(seed).fork(index);
  let roll = random.next() / 0x1_0000_0000 * TOTAL_WEIGHT;
  for (const [generator, weight] of FAMILIES) {
    roll -= weight;
    if (roll < 0) return generator(random, corpus);
  }
  return FAMILIES[0][0](random, corpus);
}

function misplacedOffset(fuzzCase: FuzzCase, outcome: Outcome): string | undefined {
  if (outcome.kind !== "malformed" || !fuzzCase.expect) return undefined;
  const { offset, detail } = outcome.error;
  if ("exactly" in fuzzCase.expect && offset !== fuzzCase.expect.exactly) {
    return `error at byte ${offset}, expected ${fuzzCase.expect.exactly}: ${detail}`;
  }
  if ("from" in fuzzCase.expect && offset < fuzzCase.expect.from) {
    return `error at byte ${offset}, before the first changed byte ${fuzzCase.expect.from}: ${detail}`;
  }
  return undefined;
}
