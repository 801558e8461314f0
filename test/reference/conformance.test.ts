// The reference against every live Go fixture: same scan outcome, same protobuf bytes for
// both neighbour rules, same error text where Kata fails.

import assert from "node:assert/strict";
import { test } from "node:test";
import { toPb64 } from "../../host/format/pb64.ts";
import { captureStream } from "./capture.ts";
import { decodeNetlinkDump } from "./decode.ts";
import { KataScanError, scanEndpoints } from "./endpoints.ts";
import { generateVCNetworkStructures } from "./convert.ts";
import { encodeAgentMessages } from "./encode.ts";
import { liveFixtures, } from "../support/fixtures.ts";
import type { NeighborRule } from "./model.ts";

const rules: NeighborRule[] = ["seed", "preseedGateway"];

for (const fixture of liveFixtures()) {
  test(`reference conversion matches Go: ${fixture.file}`, () => {
    const dump = decodeNetlinkDump(captureStream(fixture.netlink));
    const { error, errorInterface } = fixture.expected;
    if (error !== null) {
      assert.throws(
        () => scanEndpoints(dump, fixture.pciPaths),
        (thrown: unknown) => {
          assert.ok(thrown instanceof KataScanError, `not a KataScanError: ${thrown}`);
          assert.equal(thrown.message, error);
          assert.equal(thrown.interfaceName, errorInterface);
          return true;
        },
      );
      return;
    }
    const { endpoints, skipped } = scanEndpoints(dump, fixture.pciPaths);
    assert.deepEqual(skipped, fixture.skipped);
    assert.deepEqual(
      endpoints.map(({ name, type, hardwareAddr, devicePath }) => ({ name, type, hwAddr: hardwareAddr, devicePath })),
      fixture.endpoints.map(({ name, type, hwAddr, devicePath }) => ({ name, type, hwAddr, devicePath })),
    );
    for (const rule of rules) {
      const expected = fixture.expected[rule];
      assert.ok(expected, `${fixture.file}: no expected.${rule}`);
      const pb = encodeAgentMessages(generateVCNetworkStructures(endpoints, rule));
      assert.deepEqual(toPb64(pb), expected.pb, `${rule} protobuf bytes`);
    }
  });
}
