// attach(): connect a pod's network namespace to a VM as Kata's xConnectVMNetwork does.
// All in one synchronous visit to the namespace, holding its lock: finish off an attach
// that died part-way, scan (which endpoints, and what the guest is told), then run each
// endpoint's steps through a journal that is saved as it grows; a failure undoes this
// attach's steps newest first.
import { listLinks } from "../apply/links.ts";
import type { Conversion } from "../core-types.ts";
import { inNamespace } from "../netlink/netns.ts";
import { NetlinkSocket } from "../netlink/socket.ts";
import { scan } from "../scan.ts";
import { AttachError } from "./errors.ts";
import { namespaceIdentity } from "./identity.ts";
import { Journal, undoEntries } from "./journal.ts";
import { connectMacvtap } from "./macvtap.ts";
import { planAttach, type PlannedEndpoint } from "./plan.ts";
import { withNamespaceLock } from "./lock.ts";
import { loadMessages, readState, removeState, storeMessages, writeState, type AttachState, type NamespaceIdentity } from "./state.ts";
import { connectTcFilter } from "./tcfilter.ts";
import type { AttachedEndpoint, Attachment, AttachModel, AttachOptions } from "./types.ts";
import { ATTACH_MODELS } from "./types.ts";
import type { EndpointWork, VmSide } from "./work.ts";
import { traced } from "../trace.ts";

export const OWN_NAMESPACE = "/proc/thread-self/ns/net";
const MAX_QUEUES = 256;

export function attach(options: AttachOptions = {}): Attachment {
  return traced("attach", { netns: options.netns ?? OWN_NAMESPACE, model: options.model ?? "default" }, () => attachNamespace(options));
}

function attachNamespace(options: AttachOptions): Attachment {
  const checked = { ...options, model: checkedModel(options.model ?? "default"), queues: checkedQueues(options.queues ?? 0) };
  const spec = options.netns ?? OWN_NAMESPACE;
  return inNamespace(spec, () => {
    const socket = NetlinkSocket.open();
    try {
      const namespace = namespaceIdentity(spec, socket);
      return withNamespaceLock(namespace, () => {
        // An attach that died part-way is undone before the scan, which must see the pod
        // links as they were (their own MACs and addresses).
        const state = finishInterruptedAttach(socket, readState(namespace));
        const conversion = scan({ netns: spec, pciPaths: options.pciPaths, keepGoing: true, rules: options.neighbors ? [options.neighbors] : undefined, dumpThread: false });
        return attachLocked(socket, namespace, state, conversion, checked);
      });
    } finally {
      socket.close();
    }
  });
}

type CheckedOptions = AttachOptions & { model: AttachModel; queues: number };

function attachLocked(socket: NetlinkSocket, namespace: NamespaceIdentity, state: AttachState | null, conversion: Conversion, options: CheckedOptions): Attachment {
  const { model, queues } = options;
  const plan = planAttach(conversion, model, options.only, state?.endpoints ?? []);
  const base: AttachState = state ?? { version: 1, namespace, pending: [], endpoints: [], skipped: plan.skipped, messages: storeMessages(conversion.messages), journal: [] };
  const attachment = (endpoints: AttachedEndpoint[], existing: boolean, steps: string[]): Attachment => ({
    netns: namespace.path,
    namespaceId: namespace.inode,
    endpoints,
    skipped: existing ? base.skipped : plan.skipped,
    existing,
    messages: existing ? loadMessages(base.messages) : conversion.messages,
    steps,
  });
  if (state && plan.connect.length === 0) return attachment(state.endpoints, true, []);
  if (model === "none") {
    const links = listLinks(socket);
    const mtu = (name: string) => links.find((link) => link.name === name)?.mtu ?? 0;
    return attachment(plan.connect.map((planned) => describe(planned, queues, mtu(planned.endpoint.name), null)), false, []);
  }
  const result = connectAll(socket, base, plan.connect, queues, options);
  if (options.keepFds === false) result.journal.releaseAll();
  const endpoints = options.keepFds === false ? result.endpoints.map(withoutFds) : result.endpoints;
  return attachment(endpoints, false, result.journal.newSteps);
}

function connectAll(socket: NetlinkSocket, base: AttachState, planned: PlannedEndpoint[], queues: number, options: AttachOptions) {
  const pending = planned.map((item) => item.endpoint.name);
  const save = (journal: AttachState["journal"], endpoints = base.endpoints, stillPending = pending) =>
    writeState({ ...base, pending: stillPending, endpoints, journal: [...journal] });
  const journal = new Journal(socket, { save, afterStep: testSeams(options) }, [...base.journal]);
  const endpoints: AttachedEndpoint[] = [];
  try {
    const links = listLinks(socket);
    for (const item of planned) {
      const link = links.find((candidate) => candidate.name === item.endpoint.name);
      if (!link) throw new AttachError("find the pod link", item.endpoint.name, "ENODEV (No such device): it disappeared after the scan", 19);
      const work: EndpointWork = { journal, socket, link, index: item.index, queues, vhost: options.vhost ?? false, vmFds: [], vhostFds: [] };
      const side = item.model === "macvtap" ? connectMacvtap(work, item.endpoint.hwAddr) : connectTcFilter(work);
      endpoints.push({ ...describe(item, queues, link.mtu, side), vmFds: work.vmFds, vhostFds: work.vhostFds });
    }
  } catch (error) {
    const failures = journal.rollBack();
    // Undos that failed stay recorded (as pending) for the next attach or detach to retry.
    if (failures.length === 0) restore(base);
    const failure = error instanceof AttachError ? error : new AttachError("attach", "-", String(error), null);
    throw new AttachError(failure.step, failure.link, failure.kernelMessage, failure.errno, failures);
  }
  save(journal.entries, [...base.endpoints, ...endpoints.map(withoutFds)], []);
  return { journal, endpoints };
}

/** The hooks tests use: run `afterStep`, then fail after step `failAfterStep`. */
function testSeams(options: AttachOptions) {
  return (count: number, step: string, link: string) => {
    options.afterStep?.(count, step);
    if (count === options.failAfterStep) throw new AttachError(`after step ${count} (${step})`, link, "failure injected by the test seam", null);
  };
}

/** The record as it was before this attach: the file removed if there was none. */
function restore(base: AttachState): void {
  if (base.endpoints.length === 0 && base.journal.length === 0) removeState(base.namespace);
  else writeState(base);
}

/** An attach that died part-way left `pending` endpoints: undo their steps first. */
function finishInterruptedAttach(socket: NetlinkSocket, state: AttachState | null): AttachState | null {
  if (state === null || state.pending.length === 0) return state;
  const interrupted = new Set(state.pending);
  const kept = state.journal.filter((entry) => !interrupted.has(entry.endpoint));
  const left = state.journal.filter((entry) => interrupted.has(entry.endpoint));
  const failures = undoEntries(socket, left, (remaining) => writeState({ ...state, journal: [...kept, ...remaining] }));
  if (failures.length > 0) throw new AttachError("roll back an interrupted attach", state.pending.join(", "), failures.join("; "), null);
  const cleaned = { ...state, pending: [], journal: kept };
  if (kept.length === 0) {
    removeState(state.namespace);
    return null;
  }
  writeState(cleaned);
  return cleaned;
}

function describe(planned: PlannedEndpoint, queues: number, mtu: number, side: VmSide | null): AttachedEndpoint {
  const { endpoint } = planned;
  return {
    name: endpoint.name,
    type: endpoint.type,
    model: planned.model,
    index: planned.index,
    tapName: side?.tapName ?? null,
    tapIndex: side?.tapIndex ?? null,
    devicePath: side?.devicePath ?? null,
    guestMac: endpoint.hwAddr,
    mtu,
    queues,
  };
}

function withoutFds(endpoint: AttachedEndpoint): AttachedEndpoint {
  const { vmFds: _vm, vhostFds: _vhost, ...rest } = endpoint;
  return rest;
}

function checkedModel(model: string): AttachModel {
  if (!(ATTACH_MODELS as readonly string[]).includes(model)) {
    throw new RangeError(`model must be tcfilter, macvtap, none or default, not "${model}"`);
  }
  return model as AttachModel;
}

function checkedQueues(queues: number): number {
  if (!Number.isInteger(queues) || queues < 0 || queues > MAX_QUEUES) {
    throw new RangeError(`queues must be an integer from 0 to ${MAX_QUEUES}, not ${queues}`);
  }
  return queues;
}
