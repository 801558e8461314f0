// The schema against Go's output: every fixture message decodes, prints as Go's protojson
// (the fixtures' interfaces/routes/neighbors JSON) and re-encodes to the same bytes.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Buffer } from "node:buffer";
import { decode, encode, toProtoJson, type MessageKind } from "../../host/schema.ts";
import { type ExpectedStructures, liveFixtures, readFixture } from "../support/fixtures.ts";

const rules = ["seed", "preseedGateway"] as const;

/** Decodes `base64` as `kind`, checks its protojson view and its re-encoding. */
function checkMessage(kind: MessageKind, base64: string, expectedJson: unknown, what: string): void {
  const bytes = new Uint8Array(Buffer.from(base64, "base64"));
  const message = decode(kind, bytes);
  assert.deepEqual(toProtoJson(kind, message), expectedJson, `${what}: protojson`);
  assert.equal(Buffer.from(encode(kind, message)).toString("base64"), base64, `${what}: re-encoding`);
}

function checkStructures(expected: ExpectedStructures): void {
  const { interfaces, routes, neighbors, pb } = expected;
  pb.interfaces.forEach((base64, i) => checkMessage("Interface", base64, interfaces[i], `interfaces[${i}]`));
  pb.updateInterfaceRequests.forEach((base64, i) =>
    checkMessage("UpdateInterfaceRequest", base64, { interface: interfaces[i] }, `updateInterfaceRequests[${i}]`),
  );
  checkMessage("UpdateRoutesRequest", pb.updateRoutesRequest, { routes: { Routes: routes } }, "updateRoutesRequest");
  checkMessage(
    "AddARPNeighborsRequest",
    pb.addArpNeighborsRequest,
    { neighbors: { ARPNeighbors: neighbors } },
    "addArpNeighborsRequest",
  );
  checkMessage("Interfaces", pb.interfacesList, { Interfaces: interfaces }, "interfacesList");
  checkMessage("Routes", pb.routesList, { Routes: routes }, "routesList");
}

for (const fixture of liveFixtures()) {
  if (fixture.expected.error !== null) continue;
  test(`schema decodes Go's messages to Go's protojson: ${fixture.file}`, () => {
    for (const rule of rules) checkStructures(fixture.expected[rule]!);
  });
}

const { cases } = readFixture("structs.json") as {
  cases: { name: string; expected: Record<(typeof rules)[number], ExpectedStructures> }[];
};

for (const structsCase of cases) {
  test(`schema decodes Go's messages to Go's protojson: structs.json ${structsCase.name}`, () => {
    for (const rule of rules) checkStructures(structsCase.expected[rule]);
  });
}
