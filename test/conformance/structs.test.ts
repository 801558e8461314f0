// structs.json: hand-built endpoints straight into the converter (edge cases a kernel
// cannot produce), through the same Wasm path as a scan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convertEndpoints } from "../../host/convert.ts";
import { NEIGHBOUR_RULES } from "../../host/core-types.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { readFixture, type ExpectedStructures } from "../support/fixtures.ts";
import { toPb64 } from "../../host/format/pb64.ts";

interface StructsCase {
  name: string;
  endpoints: EndpointSpec[];
  expected: { seed: ExpectedStructures; preseedGateway: ExpectedStructures };
}

const { cases } = readFixture("structs.json") as { cases: StructsCase[] };

for (const structsCase of cases) {
  test(`structs.json ${structsCase.name}`, () => {
    const conversion = convertEndpoints(structsCase.endpoints);
    for (const rule of NEIGHBOUR_RULES) {
      const expected = rule === "seed" ? structsCase.expected.seed : structsCase.expected.preseedGateway;
      assert.deepEqual(toPb64(conversion.messages[rule]!), expected.pb, rule);
    }
  });
}

test("structs.json is not empty", () => assert.ok(cases.length > 20, `only ${cases.length} cases`));
