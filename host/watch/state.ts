// The converted state of a namespace, kept as the core's bytes, and what changed between
// two of them in the agent's terms. Comparing bytes is exact: the core's output is
// deterministic, so equal state gives equal bytes.

import { Buffer } from "node:buffer";
import type { AgentMessages, Conversion, NeighbourRule, SkippedLink } from "../core-types.ts";
import { decode } from "../schema.ts";
import { elementsOf, wrapInField1 } from "../wire/lists.ts";

export interface InterfaceState {
  name: string;
  hwAddr: string;
  /** grpc.UpdateInterfaceRequest bytes. */
  request: Uint8Array;
}

export interface NamespaceState {
  /** In Kata's order (sorted by name). */
  interfaces: InterfaceState[];
  /** grpc.Interfaces, grpc.Routes and grpc.ARPNeighbors bodies: a snapshot's parts. */
  interfacesList: Uint8Array;
  routesList: Uint8Array;
  neighboursList: Uint8Array;
  /** grpc.UpdateRoutesRequest with the whole route set. */
  routesRequest: Uint8Array;
  /** Each ARPNeighbor as its repeated-field element (tag, length, body). */
  neighbours: Uint8Array[];
  /** Links Kata would not be given, with the reason (the watcher converts with keepGoing). */
  skipped: readonly SkippedLink[];
}

export type Change =
  | { kind: "interfaceRemoved"; name: string; hwAddr: string }
  | { kind: "updateInterface"; name: string; hwAddr: string; request: Uint8Array }
  | { kind: "updateRoutes"; request: Uint8Array }
  | { kind: "addNeighbors"; request: Uint8Array }
  /** Nothing for the agent changed, but the links left out did: said, never silent. */
  | { kind: "leftOut" };

export function stateOf(conversion: Conversion, rule: NeighbourRule): NamespaceState {
  const messages: AgentMessages | undefined = conversion.messages[rule];
  if (!messages) throw new Error(`the conversion has no messages for the ${rule} neighbour rule`);
  const interfaces = messages.interfaces.map((body, index) => {
    const { name, hwAddr } = decode("Interface", body);
    return { name, hwAddr, request: messages.updateInterfaceRequests[index] };
  });
  const neighboursList = elementsOf(messages.addArpNeighborsRequest)[0]?.body ?? new Uint8Array();
  return {
    interfaces,
    interfacesList: messages.interfacesList,
    routesList: messages.routesList,
    neighboursList,
    routesRequest: messages.updateRoutesRequest,
    neighbours: elementsOf(neighboursList).map((element) => element.whole),
    skipped: conversion.skipped,
  };
}

/**
 * What changed from `before` to `after`, in the order an agent should apply it: removals,
 * interface updates (routes may need the interfaces), the route set when the converted
 * set differs, then the neighbours that are new. Nothing is re-sent: a receiver whose
 * interface update drops routes and neighbours (the agent takes the link down) restores
 * them from what it already has (host/apply/follow.ts). Empty when nothing changed.
 */
export function changesBetween(before: NamespaceState, after: NamespaceState): Change[] {
  const changes: Change[] = [];
  const afterByName = new Map(after.interfaces.map((entry) => [entry.name, entry]));
  const beforeByName = new Map(before.interfaces.map((entry) => [entry.name, entry]));
  for (const { name, hwAddr } of before.interfaces) {
    if (!afterByName.has(name)) changes.push({ kind: "interfaceRemoved", name, hwAddr });
  }
  for (const entry of after.interfaces) {
    const previous = beforeByName.get(entry.name);
    if (!previous || !sameBytes(previous.request, entry.request)) {
      changes.push({ kind: "updateInterface", name: entry.name, hwAddr: entry.hwAddr, request: entry.request });
    }
  }
  if (!sameBytes(before.routesList, after.routesList)) changes.push({ kind: "updateRoutes", request: after.routesRequest });
  const known = new Set(before.neighbours.map(key));
  const added = after.neighbours.filter((element) => !known.has(key(element)));
  if (added.length > 0) changes.push({ kind: "addNeighbors", request: wrapInField1(added).message });
  if (changes.length === 0 && JSON.stringify(before.skipped) !== JSON.stringify(after.skipped)) changes.push({ kind: "leftOut" });
  return changes;
}

/** A memcmp: a big namespace's route list, most of a MiB, is compared on every rescan. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function key(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
