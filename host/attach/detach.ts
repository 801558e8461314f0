// detach(): undo what attach recorded for a namespace, newest step first, from any process
// (the state file is the memory). With nothing recorded it is a no-op, so running it again
// changes nothing; undos whose target is already gone count as done.
import { inNamespace } from "../netlink/netns.ts";
import { NetlinkSocket } from "../netlink/socket.ts";
import { OWN_NAMESPACE } from "./attach.ts";
import { AttachError } from "./errors.ts";
import { namespaceIdentity } from "./identity.ts";
import { undoEntries } from "./journal.ts";
import { withNamespaceLock } from "./lock.ts";
import { readState, removeState, writeState, type AttachState } from "./state.ts";
import type { AttachedEndpoint, Detachment } from "./types.ts";
import { traced } from "../trace.ts";

export interface DetachOptions {
  netns?: string;
  /** Detach only these endpoints (pod interface names); default all. */
  only?: string[];
}

export function detach(options: DetachOptions = {}): Detachment {
  return traced("detach", { netns: options.netns ?? OWN_NAMESPACE }, () => detachNamespace(options));
}

function detachNamespace(options: DetachOptions): Detachment {
  const spec = options.netns ?? OWN_NAMESPACE;
  return withState(spec, (socket, state) => {
    if (state === null) return { detached: [], alreadyClean: true };
    const chosen = (name: string) => options.only === undefined || options.only.includes(name);
    const kept = state.journal.filter((entry) => !chosen(entry.endpoint));
    const undone = state.journal.filter((entry) => chosen(entry.endpoint));
    const endpoints = state.endpoints.filter((endpoint) => !chosen(endpoint.name));
    const pending = state.pending.filter((name) => !chosen(name));
    const alreadyClean = undone.length === 0;
    const failures = undoEntries(socket, undone, (left) => writeState({ ...state, pending, endpoints, journal: [...kept, ...left] }));
    if (failures.length > 0) throw new AttachError("detach", spec, failures.join("; "), null);
    if (kept.length === 0) removeState(state.namespace);
    const detached = [...state.endpoints.map((endpoint) => endpoint.name), ...state.pending].filter(chosen);
    return { detached, alreadyClean };
  });
}

/** The endpoints katanet has attached in the namespace, from its record. */
export function attachedEndpoints(netns?: string): AttachedEndpoint[] {
  return withState(netns ?? OWN_NAMESPACE, (_socket, state) => state?.endpoints ?? []);
}

function withState<T>(spec: string, use: (socket: NetlinkSocket, state: AttachState | null) => T): T {
  return inNamespace(spec, () => {
    const socket = NetlinkSocket.open();
    try {
      const namespace = namespaceIdentity(spec, socket);
      return withNamespaceLock(namespace, () => use(socket, readState(namespace)));
    } finally {
      socket.close();
    }
  });
}
