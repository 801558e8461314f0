// One frame of the `katanet serve` stream as the agent requests it asks for, for `follow`,
// refused whole when it carries more than a follower is willing to write for one frame.
import { decodeEnvelope, EnvelopeError } from "../watch/envelope.ts";
import { ApplyInputError, type AgentRequests } from "./input.ts";

export type StreamItem =
  /** The whole state (on connect, or after the watcher lost events): apply all of it. */
  | { seq: bigint; kind: "snapshot" | "resync"; requests: AgentRequests }
  | { seq: bigint; kind: "change"; requests: AgentRequests }
  /** Kata's agent has no request for a vanished interface; a follower can only report it. */
  | { seq: bigint; kind: "interfaceRemoved"; name: string; hwAddr: string }
  /** Only the links left out upstream changed: nothing for the agent; said, not applied. */
  | { seq: bigint; kind: "leftOut"; skipped: { name: string; reason: string }[] };

/** The most interfaces, routes and neighbours (each) one frame may carry by default:
 * far beyond a pod, far below what would keep a follower writing for minutes. */
export const DEFAULT_MAX_PER_MESSAGE = 10_000;

const NONE: AgentRequests = { interfaces: [], routes: undefined, neighbours: [] };

export function streamItem(frame: Uint8Array): StreamItem {
  let envelope;
  try {
    envelope = decodeEnvelope(frame);
  } catch (error) {
    if (error instanceof EnvelopeError) throw new ApplyInputError(`stream ${error.message}`);
    throw error;
  }
  const { seq } = envelope;
  // Unlike pb64 input, a stream's route list is always an UpdateRoutes request, even when
  // empty: the watcher sends one when the last route goes, and a snapshot or resync is the
  // whole state, so a follower must drop routes the source no longer has.
  switch (envelope.kind) {
    case "snapshot":
    case "resync":
      return { seq, kind: envelope.kind, requests: { interfaces: envelope.interfaces, routes: envelope.routes, neighbours: envelope.neighbors } };
    case "updateInterface": {
      const iface = envelope.request.interface;
      if (!iface) throw new ApplyInputError(`stream envelope ${seq}: UpdateInterfaceRequest carries no interface`);
      return { seq, kind: "change", requests: { ...NONE, interfaces: [iface] } };
    }
    case "updateRoutes":
      return { seq, kind: "change", requests: { ...NONE, routes: envelope.request.routes?.Routes ?? [] } };
    case "addNeighbors":
      return { seq, kind: "change", requests: { ...NONE, neighbours: envelope.request.neighbors?.ARPNeighbors ?? [] } };
    case "interfaceRemoved":
      return { seq, kind: "interfaceRemoved", name: envelope.name, hwAddr: envelope.hwAddr };
    case "leftOut":
      return { seq, kind: "leftOut", skipped: envelope.skipped };
    case "explanation":
      throw new ApplyInputError(`stream envelope ${seq}: an explanation, which a follower never asks for`);
  }
}

/** Refuses requests with more than `max` interfaces, routes or neighbours. */
export function checkSize(requests: AgentRequests, max = DEFAULT_MAX_PER_MESSAGE): void {
  const counts = { interfaces: requests.interfaces.length, routes: requests.routes?.length ?? 0, neighbours: requests.neighbours.length };
  for (const [what, count] of Object.entries(counts)) {
    if (count > max) throw new ApplyInputError(`${count} ${what}, more than the ${max} one frame may carry (--max-per-message)`);
  }
}
