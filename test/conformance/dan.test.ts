// Every go-dan fixture through DAN decoding and the one Wasm converter: protobuf bytes
// equal for both neighbour rules, Kata's exact text where Kata fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { convertDan } from "../../host/convert.ts";
import { NEIGHBOUR_RULES } from "../../host/core-types.ts";
import { DanError } from "../../host/dan/errors.ts";
import { DAN_FIXTURE_DIR, danFixtureFiles, loadDanFixture } from "../dan/fixture-files.ts";
import type { ExpectedPb } from "../support/fixtures.ts";
import { toPb64 } from "../../host/format/pb64.ts";

const ruleKey = { seed: "seed", "preseed-gateway": "preseedGateway" } as const;

for (const file of danFixtureFiles()) {
  test(`go-dan fixture ${file}`, () => {
    const fixture = loadDanFixture(file);
    const expected = JSON.parse(readFileSync(join(DAN_FIXTURE_DIR, file), "utf8")).expected as Record<string, { pb: ExpectedPb } | null>;
    if (fixture.expected.error !== null) {
      assert.throws(
        () => convertDan(fixture.input, fixture.pciPaths),
        (error: unknown) =>
          error instanceof DanError && error.message === fixture.expected.error && error.interfaceName === fixture.expected.errorInterface,
      );
      return;
    }
    const conversion = convertDan(fixture.input, fixture.pciPaths);
    for (const rule of NEIGHBOUR_RULES) {
      assert.deepEqual(toPb64(conversion.messages[rule]!), expected[ruleKey[rule]]!.pb, rule);
    }
  });
}
