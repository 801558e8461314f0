// The seed's `Network` (virtcontainers/network.go) as a library object: one pod namespace,
// opened or created by katanet, whose endpoints are attached to a VM and detached again.
// AddEndpoints / RemoveEndpoints / Run / NetworkID / NetworkCreated / Endpoints become
// addEndpoints / removeEndpoints / run / id / created / endpoints.

import { randomBytes } from "node:crypto";
import { inNamespace, resolveNamespace } from "../netlink/netns.ts";
import { createNamedNamespace, deleteNamedNamespace } from "../netlink/netns-lifecycle.ts";
import { sys } from "../netlink/sys.ts";
import { attach, attachedEndpoints, detach, type AttachedEndpoint, type Attachment, type AttachOptions } from "./index.ts";

export interface OpenNetworkOptions extends Omit<AttachOptions, "netns" | "only"> {
  /** An existing namespace: NAME, path or PID. */
  netns?: string;
  /** Create a new named namespace instead (as `ip netns add`). */
  create?: boolean;
  /** The name to create (default katanet-<8 hex digits>). */
  name?: string;
  /** With `netns`: katanet created this namespace earlier (a restarted runtime restoring its
   * state, as the seed restores NetworkCreated), so it is deleted with its last endpoint. */
  created?: boolean;
}

/** An endpoint to add or remove: its interface name in the namespace, or anything with one. */
export type EndpointSelector = string | { name: string };

export interface AddEndpointsOptions {
  /** The VM is running (the seed's hotplug): endpoints not attached yet are attached next
   * to the existing ones, with the next free indexes. Without it, a namespace that already
   * has an attachment gets it reported, unchanged, as `katanet attach` reports it. */
  hotplug?: boolean;
}

/** Opens a namespace that exists, or creates one; see `Network`. */
export function openNetwork(options: OpenNetworkOptions): Network {
  const { netns, create = false, name, created = false, ...attachOptions } = options;
  if (create === (netns !== undefined)) throw new TypeError("openNetwork: give either netns or create: true");
  if (create) return new Network(createNamedNamespace(name ?? `katanet-${randomBytes(4).toString("hex")}`), true, attachOptions);
  inNamespace(netns!, () => undefined); // fails now, naming the namespace, if it cannot be entered
  return new Network(resolveNamespace(netns!).path, created, attachOptions);
}

export class Network {
  /** Endpoints this object attached, with the VM file descriptors it holds for them. */
  private readonly held = new Map<string, AttachedEndpoint>();
  private deleted = false;

  constructor(
    /** The namespace's path: what NetworkID returns, and what every katanet call takes. */
    readonly id: string,
    /** katanet created the namespace: it is deleted with its last endpoint. */
    readonly created: boolean,
    private readonly attachOptions: Omit<AttachOptions, "netns" | "only">,
  ) {}

  /** The namespace's attached endpoints (from the persisted state, so also those another
   * process attached), with the open VM fds for the ones this object attached. */
  endpoints(): AttachedEndpoint[] {
    this.assertOpen();
    return attachedEndpoints(this.id).map((endpoint) => this.held.get(endpoint.name) ?? endpoint);
  }

  /**
   * Attaches endpoints to the VM: the given ones, or (none given) every endpoint the scan
   * finds, as the seed says. Endpoints attached already are left as they are. The returned
   * endpoints carry their open VM fds (and vhost fds) unless opened with `keepFds: false`.
   */
  addEndpoints(endpoints?: EndpointSelector[], options: AddEndpointsOptions = {}): Attachment {
    this.assertOpen();
    const coldPlugAgain = endpoints === undefined && !options.hotplug && this.endpoints().length > 0;
    // `only: []` connects nothing: the engine then reports the attachment it has on record.
    const only = coldPlugAgain ? [] : endpoints?.map(nameOf);
    const attachment = attach({ ...this.attachOptions, netns: this.id, only });
    for (const endpoint of attachment.endpoints) if (endpoint.vmFds !== undefined) this.held.set(endpoint.name, endpoint);
    return attachment;
  }

  /**
   * Detaches endpoints (none given: all) and closes the VM fds this object holds for them.
   * A namespace katanet created is deleted once its last endpoint is gone, as the seed's
   * RemoveEndpoints deletes a network it created; the object is closed then.
   */
  removeEndpoints(endpoints?: EndpointSelector[]): { detached: string[]; namespaceDeleted: boolean } {
    this.assertOpen();
    const only = endpoints?.map(nameOf);
    for (const [name, endpoint] of this.held) {
      if (only !== undefined && !only.includes(name)) continue;
      closeFds(endpoint);
      this.held.delete(name);
    }
    const { detached } = detach({ netns: this.id, only });
    const namespaceDeleted = this.created && attachedEndpoints(this.id).length === 0;
    if (namespaceDeleted) {
      deleteNamedNamespace(this.id);
      this.deleted = true;
    }
    return { detached, namespaceDeleted };
  }

  /**
   * Runs `fn` with the calling thread inside the namespace and returns its result; the
   * thread is back in its own namespace when `run` returns or throws, whatever `fn` did
   * (threw, or entered another namespace). `fn` must be synchronous: setns() moves the one
   * thread all JavaScript runs on, so while an async fn awaited, every other callback of the
   * process would run in the pod's namespace. Async functions are refused before entering;
   * a function that returns a promise anyway gets a TypeError once the thread is back.
   * What `fn` opens (sockets) stays in the namespace after `run` returns.
   */
  run<T>(fn: () => T): T {
    this.assertOpen();
    if (fn.constructor.name === "AsyncFunction") {
      throw new TypeError("Network.run takes a synchronous function: an async one would run the rest of the process inside the namespace while it awaits");
    }
    return inNamespace(this.id, fn);
  }

  private assertOpen(): void {
    if (this.deleted) throw new Error(`network ${this.id} was deleted with its last endpoint`);
  }
}

function nameOf(selector: EndpointSelector): string {
  return typeof selector === "string" ? selector : selector.name;
}

function closeFds(endpoint: AttachedEndpoint): void {
  for (const fd of [...(endpoint.vmFds ?? []), ...(endpoint.vhostFds ?? [])]) sys.close(fd);
}
