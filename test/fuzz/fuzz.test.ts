// The CI sample of the fuzzer: a fixed seed and a few thousand inputs (a few seconds),
// every family included. `node dist/test/fuzz/fuzz.js --count N --seed S` runs more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCampaign } from "./campaign.ts";
import { loadCorpus } from "./corpus.ts";
import { parseStream, serializeStream } from "./netlink-tree.ts";

const corpus = loadCorpus();

test("the tree the mutations edit gives back every fixture's bytes unchanged", () => {
  for (const seed of corpus.seeds) assert.deepEqual(serializeStream(parseStream(seed.stream)), seed.stream, seed.file);
});

test("4000 hostile inputs: no trap, no hang, every rejection clear and well placed, valid ones equal to the reference", () => {
  const stats = runCampaign(corpus, { count: 4000, seed: 6, hangMs: 5000, exhaustiveTruncations: false });
  assert.deepEqual(stats.failures, []);
  assert.equal(stats.inputs, 4000);
  assert.ok(stats.differentialChecked > 100, `only ${stats.differentialChecked} differential checks`);
  assert.ok(stats.outcomes.malformed > 1000 && stats.outcomes.converted > 100, JSON.stringify(stats.outcomes));
});
