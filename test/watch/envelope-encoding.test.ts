// The envelope encoder takes every field number from proto/katanet.proto: its frames are
// the ones protobufjs writes for the same envelope, and renumbering the .proto renumbers
// them. The agent's bytes are spliced in, so they stay exactly the core's.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type protobuf from "protobufjs";
import { packageFile } from "../../host/paths.ts";
import { encode, parseProtos, PROTO_FILES, schemaRoot, type ARPNeighbor, type Interface, type Route } from "../../host/schema.ts";
import { decodeEnvelope, encodeEnvelope, envelopeEncoder, envelopeToJson, type Envelope } from "../../host/watch/envelope.ts";
import { explanationMessage } from "../../host/watch/explanation.ts";
import type { NamespaceState } from "../../host/watch/state.ts";
import { statusFrame } from "../../host/node/status-frames.ts";
import type { Explanation } from "../../host/explain/explain.ts";

const iface: Interface = {
  device: "", name: "eth0", IPAddresses: [{ family: 0, address: "10.0.0.2", mask: "24" }], mtu: 1500,
  hwAddr: "02:00:00:00:00:01", devicePath: "", type: "veth", rawFlags: 0,
};
const route: Route = { dest: "10.1.0.0/16", gateway: "10.0.0.1", device: "eth0", source: "", scope: 0, family: 0, flags: 0, mtu: 0 };
const neighbour: ARPNeighbor = { toIPAddress: { family: 0, address: "10.0.0.1", mask: "" }, device: "eth0", lladdr: "02:00:00:00:00:02", state: 128, flags: 0 };
const skipped = [{ name: "br0", reason: "Unsupported network interface: bridge" }];
const explanation = {
  items: [{ kind: "link", link: "br0", mark: "dropped", rule: "link.unsupported", reason: "bridge", object: { name: "br0", type: "bridge", mtu: "1500" }, message: null }],
  findings: [{ severity: "warning", rule: "route.unreachable", objects: ["route 10.1.0.0/16"], fix: "add an address" }],
} as unknown as Explanation;

const interfaces = { Interfaces: [iface] };
const routes = { Routes: [route] };
const neighbors = { ARPNeighbors: [neighbour] };
const state = {
  interfacesList: encode("Interfaces", interfaces),
  routesList: encode("Routes", routes),
  neighboursList: encode("ARPNeighbors", neighbors),
  skipped,
} as unknown as NamespaceState;
const emptyState = { interfacesList: new Uint8Array(0), routesList: new Uint8Array(0), neighboursList: new Uint8Array(0), skipped: [] } as unknown as NamespaceState;

/** Each kind of envelope, and the same envelope as the plain object protobufjs encodes. */
const cases: [Envelope, Record<string, unknown>][] = [
  [{ seq: 1n, kind: "snapshot", state }, { seq: "1", snapshot: { interfaces, routes, neighbors }, skipped }],
  [{ seq: 2n, kind: "snapshot", state: emptyState }, { seq: "2", snapshot: { interfaces: {}, routes: {}, neighbors: {} } }],
  [{ seq: 2n ** 64n - 1n, kind: "resync", state }, { seq: "18446744073709551615", resync: { interfaces, routes, neighbors }, skipped }],
  [
    { seq: 4n, kind: "updateInterface", name: "eth0", hwAddr: iface.hwAddr, request: encode("UpdateInterfaceRequest", { interface: iface }), skipped },
    { seq: "4", updateInterface: { interface: iface }, skipped },
  ],
  [{ seq: 5n, kind: "updateRoutes", request: encode("UpdateRoutesRequest", { routes }), skipped: [] }, { seq: "5", updateRoutes: { routes } }],
  [{ seq: 6n, kind: "addNeighbors", request: encode("AddARPNeighborsRequest", { neighbors }), skipped }, { seq: "6", addNeighbors: { neighbors }, skipped }],
  [{ seq: 7n, kind: "interfaceRemoved", name: "eth9", hwAddr: "02:00:00:00:00:09", skipped }, { seq: "7", interfaceRemoved: { name: "eth9", hwAddr: "02:00:00:00:00:09" }, skipped }],
  [{ seq: 8n, kind: "leftOut", skipped }, { seq: "8", leftOut: {}, skipped }],
  [{ seq: 9n, kind: "explanation", explanation }, { seq: "9", explanation: explanationMessage(explanation) }],
];

/** A frame as `type` reads it, 64-bit numbers as text. */
function view(type: protobuf.Type, frame: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(frame), { longs: String, oneofs: true });
}

/** katanet.proto with 100 added to every field number (enum values stay: proto3 wants a zero first). */
function renumberedSchema(): protobuf.Root {
  return parseProtos(PROTO_FILES.map((file) => {
    const source = readFileSync(packageFile("proto", file), "utf8");
    if (file !== "katanet.proto") return source;
    return source.replace(/^(\s*(?:repeated\s+)?[\w.]+\s+\w+\s*=\s*)(\d+);/gm, (_, head: string, number: string) => `${head}${Number(number) + 100};`);
  }));
}

describe("envelope encoding", () => {
  const envelopeType = schemaRoot().lookupType("katanet.Envelope");

  for (const [envelope, message] of cases) {
    it(`writes ${envelope.kind} envelopes as protobufjs writes them from proto/katanet.proto`, () => {
      const frame = encodeEnvelope(envelope);
      assert.deepEqual([...frame], [...envelopeType.encode(message).finish()]);
      assert.equal(decodeEnvelope(frame).kind, envelope.kind);
      // The JSON form's keys are the reflected fields' names, as Go's protojson prints them.
      for (const key of Object.keys(envelopeToJson(envelope))) assert.ok(key in envelopeType.fields, key);
    });
  }

  it("writes a namespace's state as the .proto's enum value of that name", () => {
    for (const state of ["starting", "streaming", "failed", "deleted"] as const) {
      const frame = statusFrame(3n, { name: "pod1", state, detail: "" }).binary();
      const message = envelopeType.toObject(envelopeType.decode(frame), { enums: String, defaults: true }) as { namespaceStatus: { state: string } };
      assert.equal(message.namespaceStatus.state, state.toUpperCase());
    }
  });

  it("follows the .proto's numbers: renumbered fields renumber the frame, whose content stays", () => {
    const renumbered = renumberedSchema();
    const renumberedType = renumbered.lookupType("katanet.Envelope");
    assert.equal(renumberedType.fields.seq.id, 101);
    const encodeRenumbered = envelopeEncoder(renumbered);
    for (const [envelope] of cases) {
      const frame = encodeEnvelope(envelope);
      const renumberedFrame = encodeRenumbered(envelope);
      assert.notDeepEqual([...renumberedFrame], [...frame], envelope.kind);
      assert.deepEqual(view(renumberedType, renumberedFrame), view(envelopeType, frame), envelope.kind);
    }
  });

  it("names the field when the .proto lacks one the encoder splices into", () => {
    const sources = PROTO_FILES.map((file) => readFileSync(packageFile("proto", file), "utf8"));
    const withoutRoutes = sources.map((source) => source.replace(/^\s*grpc\.UpdateRoutesRequest update_routes = \d+;$/m, ""));
    assert.throws(() => envelopeEncoder(parseProtos(withoutRoutes)), /katanet\.Envelope has no message field updateRoutes/);
  });
});
