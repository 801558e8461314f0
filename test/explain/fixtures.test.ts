// explain on every public Go fixture: one item per message of the source in its order, the
// objects marked sent exactly those of Go's expected output (both neighbour rules), every
// other one dropped with a rule; where Kata refuses the namespace, Go's error as a finding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KatanetCore } from "../../host/core.ts";
import { NEIGHBOUR_RULES } from "../../host/core-types.ts";
import { danToEndpointSpecs } from "../../host/dan/convert.ts";
import { explain, breaksGuest } from "../../host/explain/explain.ts";
import { danFixtureFiles, loadDanFixture } from "../dan/fixture-files.ts";
import { type ExpectedPb, liveFixtures } from "../support/fixtures.ts";
import { assertMarksMatch } from "./support.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { danFixturesDirectory, readFixture } from "../support/fixtures.ts";

const core = new KatanetCore();
const ruleKey = { seed: "seed", "preseed-gateway": "preseedGateway" } as const;
const KIND_OF_DUMP = { links: "link", addrs: "address", routes: "route", neighs: "neighbour" } as const;

for (const fixture of liveFixtures()) {
  test(`explain marks of live fixture ${fixture.file}`, async () => {
    const capture = { netlink: fixture.netlink, pciPaths: fixture.pciPaths };
    const messageKinds = Object.entries(KIND_OF_DUMP).flatMap(([dump, kind]) => fixture.netlink[dump as keyof typeof KIND_OF_DUMP].map(() => kind));
    for (const rule of NEIGHBOUR_RULES) {
      const explanation = await explain({ capture }, { rule, core });
      assert.deepEqual(explanation.items.map((item) => item.kind), messageKinds, `${rule}: one item per message, in order`);
      if (fixture.expected.error !== null) {
        const refusal = explanation.findings.find((finding) => finding.severity === "error" && finding.fix.includes(`"${fixture.expected.error}"`));
        assert.ok(refusal, `${rule}: an error finding quotes Go's "${fixture.expected.error}"`);
        assert.equal(breaksGuest(explanation), true);
        continue;
      }
      assertMarksMatch(explanation, fixture.expected[ruleKey[rule]]!.pb, `${fixture.file} ${rule}`);
    }
  });
}

/** The items a list of hand-described endpoints holds, in order. */
function entriesOf(endpoints: readonly EndpointSpec[]): string[] {
  return endpoints.flatMap((endpoint) => [
    "link",
    ...endpoint.addrs.map(() => "address"),
    ...endpoint.routes.map(() => "route"),
    ...endpoint.neighbors.map(() => "neighbour"),
  ]);
}

const structs = readFixture("structs.json") as { cases: { name: string; endpoints: EndpointSpec[]; expected: Record<string, { pb: ExpectedPb }> }[] };
for (const structsCase of structs.cases) {
  test(`explain marks of structs.json ${structsCase.name}`, async () => {
    for (const rule of NEIGHBOUR_RULES) {
      const explanation = await explain({ endpoints: structsCase.endpoints }, { rule, core });
      assert.deepEqual(explanation.items.map((item) => item.kind), entriesOf(structsCase.endpoints), `${rule}: one item per entry, in order`);
      assertMarksMatch(explanation, structsCase.expected[ruleKey[rule]].pb, `${structsCase.name} ${rule}`);
    }
  });
}

for (const file of danFixtureFiles()) {
  test(`explain marks of DAN fixture ${file}`, async () => {
    const fixture = loadDanFixture(file);
    if (fixture.expected.error !== null) return; // Kata fails on the file itself: convert's tests cover that text
    const expected = JSON.parse(readFileSync(join(danFixturesDirectory(), file), "utf8")).expected as Record<string, { pb: ExpectedPb }>;
    const entries = entriesOf(danToEndpointSpecs(fixture.input, fixture.pciPaths).endpoints);
    for (const rule of NEIGHBOUR_RULES) {
      const explanation = await explain({ dan: fixture.input, pciPaths: fixture.pciPaths }, { rule, core });
      assert.deepEqual(explanation.items.map((item) => item.kind), entries, `${rule}: one item per DAN entry, in order`);
      assertMarksMatch(explanation, expected[ruleKey[rule]].pb, `${file} ${rule}`);
      for (const item of explanation.items.filter((item) => item.mark === "dropped")) {
        assert.ok(explanation.findings.some((finding) => finding.rule === item.rule && finding.severity === "warning"), `${file}: a dropped DAN entry is a finding`);
      }
    }
  });
}
