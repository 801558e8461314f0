// Live conformance: every live Go fixture's namespace is rebuilt here as its setupOrder
// says, scanned by katanet, and compared with what Go produced on the original, except
// what the fixtures README lists as kernel-variable (neighbour order).
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { KataError } from "../../host/core-errors.ts";
import { NEIGHBOUR_RULES, type Conversion, type NeighbourRule } from "../../host/core-types.ts";
import { decodeMessages, toDecodedJson, type DecodedJson } from "../../host/format/decoded.ts";
import { DumpThread } from "../../host/netlink/dump-thread.ts";
import { scan } from "../../host/scan.ts";
import { liveFixtures, type ExpectedStructures } from "../support/fixtures.ts";
import { assertCleanState, buildFixtureNamespaces, namespaceTestsSkip, waitForSettledNamespace } from "../support/netns.ts";

const ruleKey = { seed: "seed", "preseed-gateway": "preseedGateway" } as const;

/** Neighbours come in kernel hash order, which differs between runs: compare them as a set. */
function comparable(json: { interfaces: unknown[]; routes: unknown[]; neighbors: unknown[] }): DecodedJson {
  const neighbors = [...json.neighbors].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { interfaces: json.interfaces, routes: json.routes, neighbors } as DecodedJson;
}

function assertSameMessages(conversion: Conversion, rule: NeighbourRule, expected: ExpectedStructures): void {
  const actual = toDecodedJson(decodeMessages(conversion.messages[rule]!));
  assert.deepEqual(comparable(actual), comparable(expected), `${rule} rule`);
}

/**
 * The kernel adds link-local addresses and their routes a moment after a link gets
 * carrier; the Go capture waited for 2 s of quiet. Retry until equal, then give up and
 * report the last difference.
 */
async function eventually(check: () => void, timeoutMs = 6000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe("scan of rebuilt fixture namespaces", { skip: namespaceTestsSkip() }, () => {
  // Every namespace is scanned both ways: dumps received on this thread, and on the dump
  // thread with each datagram decoded as it arrives.
  before(async () => assert.ok(await DumpThread.started(), `the dump thread did not start: ${DumpThread.unavailable ?? "timed out"}`));
  afterEach(() => assertCleanState());
  after(() => assertCleanState());

  for (const fixture of liveFixtures()) {
    test(fixture.file, async () => {
      const namespaces = buildFixtureNamespaces(fixture);
      try {
        await waitForSettledNamespace(namespaces.namespace);
        for (const dumpThread of [false, true]) {
          const options = { netns: namespaces.namespace, pciPaths: fixture.pciPaths, dumpThread };
          if (fixture.expected.error !== null) {
            assert.throws(
              () => scan(options),
              (error: unknown) =>
                error instanceof KataError && error.message === fixture.expected.error && error.interfaceName === fixture.expected.errorInterface,
            );
            continue;
          }
          await eventually(() => {
            const conversion = scan(options);
            for (const rule of NEIGHBOUR_RULES) assertSameMessages(conversion, rule, fixture.expected[ruleKey[rule]]!);
          });
        }
      } finally {
        namespaces.delete();
      }
    });
  }
});
