// What a fixture's expected messages hold, as the protojson objects explain marks sent:
// the check that explain's marks agree with the converter's output.
import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import type { Explanation, ItemKind } from "../../host/explain/explain.ts";
import { DROP_RULES } from "../../host/explain/rules.ts";
import { decode, toProtoJson } from "../../host/schema.ts";
import type { ExpectedPb } from "../support/fixtures.ts";

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));
const sorted = (objects: unknown[]) => objects.map((object) => JSON.stringify(object)).sort();
const DROP_IDS = new Set(Object.values(DROP_RULES).map((rule) => rule.id));

/** The objects of each kind that the expected messages carry. */
export function expectedObjects(pb: ExpectedPb): Record<ItemKind, string[]> {
  const interfaces = pb.interfaces.map((b64) => toProtoJson("Interface", decode("Interface", bytes(b64))));
  const routes = decode("Routes", bytes(pb.routesList)).Routes ?? [];
  const neighbours = decode("AddARPNeighborsRequest", bytes(pb.addArpNeighborsRequest)).neighbors?.ARPNeighbors ?? [];
  return {
    link: sorted(interfaces),
    address: sorted(interfaces.flatMap((iface) => iface.IPAddresses)),
    route: sorted(routes.map((route) => toProtoJson("Route", route))),
    neighbour: sorted(neighbours.map((neighbour) => toProtoJson("ARPNeighbor", neighbour))),
  };
}

/** Sent and changed items are exactly what the messages hold; every other item is dropped with a known rule. */
export function assertMarksMatch(explanation: Explanation, pb: ExpectedPb, what: string): void {
  const expected = expectedObjects(pb);
  for (const kind of Object.keys(expected) as ItemKind[]) {
    const sent = explanation.items.filter((item) => item.kind === kind && item.mark !== "dropped");
    assert.deepEqual(sorted(sent.map((item) => item.object)), expected[kind], `${what}: ${kind}s marked sent`);
    for (const item of sent) assert.ok(item.message, `${what}: a sent ${kind} names its message`);
  }
  for (const item of explanation.items.filter((item) => item.mark === "dropped")) {
    assert.ok(DROP_IDS.has(item.rule), `${what}: dropped ${item.kind} has a known rule, not ${item.rule}`);
    assert.ok(item.reason.length > 0 && item.message === null, `${what}: dropped ${item.kind} says why and goes nowhere`);
  }
}
