// The protobufjs baseline must produce Go's bytes too, or the bench compares unequal work.

import assert from "node:assert/strict";
import { test } from "node:test";
import { toPb64 } from "../../host/format/pb64.ts";
import { captureStream } from "./capture.ts";
import { liveFixtures, } from "../support/fixtures.ts";
import { convertNamespaceWithProtobufjs } from "./protobufjs-path.ts";

for (const fixture of liveFixtures()) {
  if (fixture.expected.error !== null) continue;
  test(`protobufjs baseline matches Go: ${fixture.file}`, () => {
    const stream = captureStream(fixture.netlink);
    for (const rule of ["seed", "preseedGateway"] as const) {
      const pb = convertNamespaceWithProtobufjs(stream, { rule, pciPaths: fixture.pciPaths });
      assert.deepEqual(toPb64(pb), fixture.expected[rule]?.pb, `${rule} protobuf bytes`);
    }
  });
}
