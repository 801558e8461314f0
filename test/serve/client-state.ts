// What a client knows after applying a stream of envelopes, the way an agent-side
// consumer would: snapshots and resyncs replace everything, the rest edit in place.

import type { EnvelopeJson, SnapshotJson } from "../../host/watch/envelope.ts";

export function applyEnvelope(state: SnapshotJson | undefined, envelope: EnvelopeJson): SnapshotJson {
  if ("snapshot" in envelope) return structuredClone(envelope.snapshot);
  if ("resync" in envelope) return structuredClone(envelope.resync);
  if (!state) throw new Error(`envelope ${envelope.seq} arrived before any snapshot`);
  const next = structuredClone(state);
  if ("updateInterface" in envelope) {
    const updated = envelope.updateInterface.interface;
    if (!updated) throw new Error(`envelope ${envelope.seq} updates no interface`);
    const others = next.interfaces.Interfaces.filter((item) => item.name !== updated.name);
    next.interfaces.Interfaces = [...others, updated].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } else if ("interfaceRemoved" in envelope) {
    next.interfaces.Interfaces = next.interfaces.Interfaces.filter((item) => item.name !== envelope.interfaceRemoved.name);
  } else if ("updateRoutes" in envelope) {
    next.routes.Routes = envelope.updateRoutes.routes?.Routes ?? [];
  } else if ("addNeighbors" in envelope) {
    next.neighbors.ARPNeighbors.push(...(envelope.addNeighbors.neighbors?.ARPNeighbors ?? []));
  }
  return next;
}
