// katanet.Envelope (proto/katanet.proto): the stream's unit. Encoding splices the core's
// agent bytes in as they are (no decode and re-encode), so what a client forwards to the
// agent is byte-identical to what Kata's runtime would send.

import protobuf from "protobufjs";
import { decode, toProtoJson, typeByName, type ARPNeighbor, type Interface, type Messages, type MessagesJson, type Route } from "../schema.ts";
import type { SkippedLink } from "../core.ts";
import type { Change, NamespaceState } from "./state.ts";
import type { Explanation } from "../explain/explain.ts";
import { explanationMessage, type ExplanationMessage } from "./explanation.ts";

/** `seq` is the proto's uint64, so a bigint: every value survives, printed exactly. */
export type Envelope =
  | { seq: bigint; kind: "snapshot" | "resync"; state: NamespaceState }
  /** `skipped`: the links left out of the state after this change. */
  | ({ seq: bigint; skipped: readonly SkippedLink[] } & Change)
  | { seq: bigint; kind: "explanation"; explanation: Explanation };

export type EnvelopeKind = Exclude<Envelope["kind"], "explanation">;
const FIELD_EXPLANATION = 20;

const FIELD_SEQ = 1;
const FIELD_SKIPPED = 9;
const FIELDS: Record<EnvelopeKind, number> = {
  snapshot: 2,
  updateInterface: 3,
  updateRoutes: 4,
  addNeighbors: 5,
  interfaceRemoved: 6,
  leftOut: 8,
  resync: 7,
};

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const writer = protobuf.Writer.create().uint32(tag(FIELD_SEQ, VARINT)).uint64(envelope.seq.toString());
  if (envelope.kind === "explanation") {
    const body = typeByName("katanet.Explanation").encode(explanationMessage(envelope.explanation)).finish();
    return writer.uint32(tag(FIELD_EXPLANATION, LENGTH_DELIMITED)).bytes(body).finish();
  }
  writer.uint32(tag(FIELDS[envelope.kind], LENGTH_DELIMITED));
  switch (envelope.kind) {
    case "snapshot":
    case "resync":
      writer.bytes(encodeSnapshot(envelope.state));
      break;
    case "interfaceRemoved":
      writer.fork().uint32(tag(1, LENGTH_DELIMITED)).string(envelope.name);
      writer.uint32(tag(2, LENGTH_DELIMITED)).string(envelope.hwAddr).ldelim();
      break;
    case "leftOut":
      writer.bytes(new Uint8Array(0));
      break;
    default:
      writer.bytes(envelope.request);
  }
  for (const link of skippedOf(envelope)) {
    writer.uint32(tag(FIELD_SKIPPED, LENGTH_DELIMITED)).fork();
    writer.uint32(tag(1, LENGTH_DELIMITED)).string(link.name);
    writer.uint32(tag(2, LENGTH_DELIMITED)).string(link.reason).ldelim();
  }
  return writer.finish();
}

export function skippedOf(envelope: Envelope): readonly SkippedLink[] {
  if ("state" in envelope) return envelope.state.skipped;
  return "skipped" in envelope ? envelope.skipped : [];
}

function encodeSnapshot(state: NamespaceState): Uint8Array {
  return protobuf.Writer.create()
    .uint32(tag(1, LENGTH_DELIMITED)).bytes(state.interfacesList)
    .uint32(tag(2, LENGTH_DELIMITED)).bytes(state.routesList)
    .uint32(tag(3, LENGTH_DELIMITED)).bytes(state.neighboursList)
    .finish();
}

export interface SnapshotJson {
  interfaces: MessagesJson["Interfaces"];
  routes: MessagesJson["Routes"];
  neighbors: MessagesJson["ARPNeighbors"];
}

/** Go's protojson form of an envelope (uint64 as a decimal string, lowerCamelCase oneof names). */
export type EnvelopeJson = { seq: string; skipped: SkippedLink[] } & (
  | { snapshot: SnapshotJson }
  | { resync: SnapshotJson }
  | { updateInterface: MessagesJson["UpdateInterfaceRequest"] }
  | { updateRoutes: MessagesJson["UpdateRoutesRequest"] }
  | { addNeighbors: MessagesJson["AddARPNeighborsRequest"] }
  | { interfaceRemoved: { name: string; hwAddr: string } }
  | { leftOut: Record<string, never> }
  | { explanation: ExplanationMessage }
);

export function envelopeToJson(envelope: Envelope): EnvelopeJson {
  const head = { seq: String(envelope.seq), skipped: skippedOf(envelope).map(({ name, reason }) => ({ name, reason })) };
  switch (envelope.kind) {
    case "snapshot":
      return { ...head, snapshot: snapshotJson(envelope.state) };
    case "resync":
      return { ...head, resync: snapshotJson(envelope.state) };
    case "updateInterface":
      return { ...head, updateInterface: toProtoJson("UpdateInterfaceRequest", decode("UpdateInterfaceRequest", envelope.request)) };
    case "updateRoutes":
      return { ...head, updateRoutes: toProtoJson("UpdateRoutesRequest", decode("UpdateRoutesRequest", envelope.request)) };
    case "addNeighbors":
      return { ...head, addNeighbors: toProtoJson("AddARPNeighborsRequest", decode("AddARPNeighborsRequest", envelope.request)) };
    case "interfaceRemoved":
      return { ...head, interfaceRemoved: { name: envelope.name, hwAddr: envelope.hwAddr } };
    case "leftOut":
      return { ...head, leftOut: {} };
    case "explanation":
      return { ...head, explanation: explanationMessage(envelope.explanation) };
  }
}

function snapshotJson(state: NamespaceState): SnapshotJson {
  return {
    interfaces: toProtoJson("Interfaces", decode("Interfaces", state.interfacesList)),
    routes: toProtoJson("Routes", decode("Routes", state.routesList)),
    neighbors: toProtoJson("ARPNeighbors", decode("ARPNeighbors", state.neighboursList)),
  };
}

/** A received frame, decoded with proto/katanet.proto. */
export type DecodedEnvelope = { seq: bigint; skipped: SkippedLink[] } & (
  | { kind: "snapshot" | "resync"; interfaces: Interface[]; routes: Route[]; neighbors: ARPNeighbor[] }
  | { kind: "updateInterface"; request: Messages["UpdateInterfaceRequest"] }
  | { kind: "updateRoutes"; request: Messages["UpdateRoutesRequest"] }
  | { kind: "addNeighbors"; request: Messages["AddARPNeighborsRequest"] }
  | { kind: "interfaceRemoved"; name: string; hwAddr: string }
  | { kind: "leftOut" }
  | { kind: "explanation"; explanation: ExplanationMessage }
);

/** Thrown for a frame that is not a katanet.Envelope; the message says why. */
export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

export function decodeEnvelope(frame: Uint8Array): DecodedEnvelope {
  let message: Record<string, unknown> & { message?: string; seq?: unknown };
  try {
    message = typeByName("katanet.Envelope").decode(frame) as unknown as typeof message;
  } catch (error) {
    throw new EnvelopeError(`frame is not a katanet.Envelope: ${(error as Error).message}`);
  }
  // uint64: protobufjs gives a Long (or a number below 2^53); its decimal text is exact.
  const seq = BigInt(String(message.seq ?? 0));
  const skipped = ((message.skipped ?? []) as { name?: string; reason?: string }[]).map((link) => ({ name: link.name ?? "", reason: link.reason ?? "" }));
  const kind = message.message as EnvelopeKind | undefined;
  if (kind === undefined && message.explanation) {
    const explanation = message.explanation as Partial<ExplanationMessage>;
    return { seq, skipped, kind: "explanation", explanation: { items: explanation.items ?? [], findings: explanation.findings ?? [] } };
  }
  if (kind === undefined) throw new EnvelopeError(`envelope ${seq} carries no message`);
  const body = message[kind] as Record<string, never>;
  switch (kind) {
    case "snapshot":
    case "resync": {
      const snapshot = body as { interfaces?: { Interfaces?: Interface[] }; routes?: { Routes?: Route[] }; neighbors?: { ARPNeighbors?: ARPNeighbor[] } };
      return {
        seq,
        skipped,
        kind,
        interfaces: snapshot.interfaces?.Interfaces ?? [],
        routes: snapshot.routes?.Routes ?? [],
        neighbors: snapshot.neighbors?.ARPNeighbors ?? [],
      };
    }
    case "interfaceRemoved":
      return { seq, skipped, kind, name: String((body as { name?: string }).name ?? ""), hwAddr: String((body as { hwAddr?: string }).hwAddr ?? "") };
    case "leftOut":
      return { seq, skipped, kind };
    default:
      return { seq, skipped, kind, request: body } as unknown as DecodedEnvelope;
  }
}

/** A received binary frame as JSON, for clients and tests: the same shape `envelopeToJson` gives. */
export function decodeEnvelopeToJson(frame: Uint8Array): EnvelopeJson {
  const envelope = decodeEnvelope(frame);
  const head = { seq: String(envelope.seq), skipped: envelope.skipped };
  switch (envelope.kind) {
    case "snapshot":
    case "resync": {
      const snapshot = {
        interfaces: toProtoJson("Interfaces", { Interfaces: envelope.interfaces }),
        routes: toProtoJson("Routes", { Routes: envelope.routes }),
        neighbors: toProtoJson("ARPNeighbors", { ARPNeighbors: envelope.neighbors }),
      };
      return envelope.kind === "snapshot" ? { ...head, snapshot } : { ...head, resync: snapshot };
    }
    case "updateInterface":
      return { ...head, updateInterface: toProtoJson("UpdateInterfaceRequest", envelope.request) };
    case "updateRoutes":
      return { ...head, updateRoutes: toProtoJson("UpdateRoutesRequest", envelope.request) };
    case "addNeighbors":
      return { ...head, addNeighbors: toProtoJson("AddARPNeighborsRequest", envelope.request) };
    case "interfaceRemoved":
      return { ...head, interfaceRemoved: { name: envelope.name, hwAddr: envelope.hwAddr } };
    case "leftOut":
      return { ...head, leftOut: {} };
    case "explanation":
      return { ...head, explanation: envelope.explanation };
  }
}
