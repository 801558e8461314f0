// Every live Go fixture through the Wasm core: protobuf bytes equal for both neighbour
// rules, and Go's error text where Kata fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { captureInput } from "../../host/capture.ts";
import { defaultCore } from "../../host/default-core.ts";
import { KatanetCore } from "../../host/core.ts";
import { KataError } from "../../host/core-errors.ts";
import { NEIGHBOUR_RULES } from "../../host/core-types.ts";
import { liveFixtures } from "../support/fixtures.ts";
import { toPb64 } from "../../host/format/pb64.ts";

const core = new KatanetCore();
const ruleKey = { seed: "seed", "preseed-gateway": "preseedGateway" } as const;

for (const fixture of liveFixtures()) {
  test(`live fixture ${fixture.file}`, () => {
    const input = captureInput(fixture, defaultCore().abi).bytes;
    if (fixture.expected.error !== null) {
      assert.throws(
        () => core.convertBytes(input),
        (error: unknown) =>
          error instanceof KataError &&
          error.message === fixture.expected.error &&
          error.interfaceName === fixture.expected.errorInterface,
      );
      return;
    }
    const conversion = core.convertBytes(input);
    for (const rule of NEIGHBOUR_RULES) {
      const expected = fixture.expected[ruleKey[rule]];
      assert.ok(expected, `${fixture.file} has expected.${ruleKey[rule]}`);
      assert.deepEqual(toPb64(conversion.messages[rule]!), expected.pb, `${rule} rule`);
    }
    assert.deepEqual(
      conversion.endpoints.map((e) => ({ name: e.name, type: e.type, hwAddr: e.hwAddr })),
      fixture.endpoints.map((e) => ({ name: e.name, type: e.type, hwAddr: e.hwAddr })),
    );
    assert.deepEqual(conversion.skipped, fixture.skipped);
  });
}
