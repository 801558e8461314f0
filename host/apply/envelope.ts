// Reads one frame of the `katanet serve` stream (katanet.Envelope, proto/katanet.proto) as
// the agent requests to apply. Decoded by field number with protobufjs' Reader, so the
// embedded agent messages go through the same checks as `katanet apply`'s input.

import protobuf from "protobufjs";
import { decode } from "../schema.ts";
import { ApplyInputError, decodeMessage, type AgentRequests } from "./input.ts";

const SEQ = 1;
const SNAPSHOT = 2;
const UPDATE_INTERFACE = 3;
const UPDATE_ROUTES = 4;
const ADD_NEIGHBORS = 5;
const INTERFACE_REMOVED = 6;
const RESYNC = 7;

export type StreamItem =
  /** The whole state (on connect, or after the watcher lost events): apply all of it. */
  | { seq: number; kind: "snapshot" | "resync"; requests: AgentRequests }
  | { seq: number; kind: "change"; requests: AgentRequests }
  /** Kata's agent has no request for a vanished interface; a follower can only report it. */
  | { seq: number; kind: "interfaceRemoved"; name: string; hwAddr: string };

/** An item without its number: what one envelope field decodes to. */
type ItemBody = StreamItem extends infer Item ? (Item extends StreamItem ? Omit<Item, "seq"> : never) : never;

export function decodeEnvelope(frame: Uint8Array): StreamItem {
  const reader = protobuf.Reader.create(frame);
  let seq = 0;
  let item: ItemBody | undefined;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      if (field === SEQ) {
        seq = Number(reader.uint64().toString());
        continue;
      }
      if ((tag & 7) !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      const body = reader.bytes();
      item = bodyItem(field, body) ?? item;
    }
  } catch (error) {
    if (error instanceof ApplyInputError) throw error;
    throw new ApplyInputError(`stream frame is not a katanet.Envelope: ${(error as Error).message}`);
  }
  if (!item) throw new ApplyInputError(`stream envelope ${seq} carries no message`);
  return { seq, ...item } as StreamItem;
}

function bodyItem(field: number, body: Uint8Array): ItemBody | undefined {
  const where = `stream envelope field ${field}`;
  switch (field) {
    case SNAPSHOT:
    case RESYNC:
      return { kind: field === SNAPSHOT ? "snapshot" : "resync", requests: snapshotRequests(body, where) };
    case UPDATE_INTERFACE: {
      const iface = decodeMessage("UpdateInterfaceRequest", body, where).interface;
      if (!iface) throw new ApplyInputError(`${where}: UpdateInterfaceRequest carries no interface`);
      return { kind: "change", requests: { interfaces: [iface], routes: [], neighbours: [] } };
    }
    case UPDATE_ROUTES:
      return { kind: "change", requests: { interfaces: [], routes: decodeMessage("UpdateRoutesRequest", body, where).routes?.Routes ?? [], neighbours: [] } };
    case ADD_NEIGHBORS: {
      const neighbours = decodeMessage("AddARPNeighborsRequest", body, where).neighbors?.ARPNeighbors ?? [];
      return { kind: "change", requests: { interfaces: [], routes: [], neighbours } };
    }
    case INTERFACE_REMOVED: {
      const removed = protobuf.Reader.create(body);
      const texts: Record<number, string> = {};
      while (removed.pos < removed.len) {
        const tag = removed.uint32();
        if ((tag & 7) === 2) texts[tag >>> 3] = removed.string();
        else removed.skipType(tag & 7);
      }
      return { kind: "interfaceRemoved", name: texts[1] ?? "", hwAddr: texts[2] ?? "" };
    }
  }
  return undefined; // a field a newer server added: nothing this follower knows to apply
}

/** katanet.Snapshot: 1 grpc.Interfaces, 2 grpc.Routes, 3 grpc.ARPNeighbors. */
function snapshotRequests(body: Uint8Array, where: string): AgentRequests {
  const requests: AgentRequests = { interfaces: [], routes: [], neighbours: [] };
  const reader = protobuf.Reader.create(body);
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if ((tag & 7) !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      const bytes = reader.bytes();
      if (tag >>> 3 === 1) requests.interfaces = decode("Interfaces", bytes).Interfaces ?? [];
      if (tag >>> 3 === 2) requests.routes = decode("Routes", bytes).Routes ?? [];
      if (tag >>> 3 === 3) requests.neighbours = decode("ARPNeighbors", bytes).ARPNeighbors ?? [];
    }
  } catch (error) {
    throw new ApplyInputError(`${where}: not a valid katanet.Snapshot: ${(error as Error).message}`);
  }
  return requests;
}
