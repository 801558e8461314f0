// katanet.Envelope (proto/katanet.proto): the stream's unit. Encoding splices the core's
// agent bytes in as they are (no decode and re-encode), so what a client forwards to the
// agent is byte-identical to what Kata's runtime would send.

import protobuf from "protobufjs";
import { decode, schemaRoot, toProtoJson, typeByName, type ARPNeighbor, type Interface, type Messages, type MessagesJson, type Route } from "../schema.ts";
import type { SkippedLink } from "../core-types.ts";
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

/** An envelope's bytes for proto/katanet.proto's katanet.Envelope (encoder made on first use). */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  encoder ??= envelopeEncoder(schemaRoot());
  return encoder(envelope);
}

let encoder: ((envelope: Envelope) => Uint8Array) | undefined;

/**
 * The encoder for `schema`'s katanet.Envelope. protobufjs writes katanet's own fields; the
 * agent's messages are the core's bytes, spliced in unchanged under their field's tag
 * (decoding and re-encoding them could break the byte-identity with Kata's runtime). The
 * field names are the envelope kinds and the snapshot's parts, looked up in the schema.
 */
export function envelopeEncoder(schema: protobuf.Root): (envelope: Envelope) => Uint8Array {
  const type = schema.lookupType("katanet.Envelope");
  const carrying = messageTags(type, ["snapshot", "resync", "updateInterface", "updateRoutes", "addNeighbors"]);
  const part = messageTags(schema.lookupType("katanet.Snapshot"), ["interfaces", "routes", "neighbors"]);
  const spliced = (envelope: Envelope & { kind: keyof typeof carrying }, body: Uint8Array): Uint8Array => {
    const writer = type.encode({ seq: envelope.seq.toString() }).uint32(carrying[envelope.kind]).bytes(body);
    return type.encode({ skipped: skippedOf(envelope) }, writer).finish();
  };
  return (envelope) => {
    const seq = envelope.seq.toString();
    switch (envelope.kind) {
      case "explanation":
        return type.encode({ seq, explanation: explanationMessage(envelope.explanation) }).finish();
      case "interfaceRemoved":
        return type.encode({ seq, interfaceRemoved: { name: envelope.name, hwAddr: envelope.hwAddr }, skipped: envelope.skipped }).finish();
      case "leftOut":
        return type.encode({ seq, leftOut: {}, skipped: envelope.skipped }).finish();
      case "snapshot":
      case "resync": {
        const { interfacesList, routesList, neighboursList } = envelope.state;
        const body = protobuf.Writer.create().uint32(part.interfaces).bytes(interfacesList).uint32(part.routes).bytes(routesList);
        return spliced(envelope, body.uint32(part.neighbors).bytes(neighboursList).finish());
      }
      default:
        return spliced(envelope, envelope.request);
    }
  };
}

/** The tags of message fields, which are written length-delimited as bytes are. */
function messageTags<Name extends string>(type: protobuf.Type, names: readonly Name[]): Record<Name, number> {
  const tags = {} as Record<Name, number>;
  for (const name of names) {
    const field = type.fields[name]?.resolve();
    if (!(field?.resolvedType instanceof protobuf.Type)) throw new Error(`${type.fullName} has no message field ${name}`);
    tags[name] = (field.id << 3) | protobuf.types.basic.bytes;
  }
  return tags;
}

export function skippedOf(envelope: Envelope): readonly SkippedLink[] {
  if ("state" in envelope) return envelope.state.skipped;
  return "skipped" in envelope ? envelope.skipped : [];
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
