// Inputs the fuzzer found that once broke the core or its host, kept as plain tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KatanetCore } from "../../host/core.ts";
import { convertEndpoints } from "../../host/convert.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { serializeStream } from "./netlink-tree.ts";
import { linkWithAddress } from "./structures.ts";

const core = new KatanetCore();

// The scan report was tab- and newline-separated text with names written raw, so a
// hand-described name holding either split the line and the host threw a SyntaxError
// from BigInt() instead of converting.
test("endpoint names and types with tabs, newlines and backslashes survive the report", () => {
  const names = ["a\tb", "c\nd", "e\\tf", "\\", "g\t\n\\h"];
  const specs = names.map((name) => ({ name, type: "x\ty", hwAddr: "h\nw", addrs: [], routes: [], neighbors: [] }));
  const conversion = convertEndpoints(specs as unknown as EndpointSpec[], {}, core);
  assert.deepEqual(conversion.endpoints.map((e) => [e.name, e.type, e.hwAddr]), names.map((n) => [n, "x\ty", "h\nw"]));
});

test("a skipped link's name and Kata's reason keep their tabs and newlines", () => {
  const input = serializeStream(linkWithAddress(5, "bad\nname", "odd\tkind"));
  const conversion = core.convertBytes(input, { keepGoing: true });
  assert.deepEqual(conversion.skipped, [{ name: "bad\nname", reason: "Unsupported network interface: odd\tkind" }]);
});
