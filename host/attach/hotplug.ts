// Hot-plug: keep a namespace's endpoints attached while links come and go, as Kata's old
// network monitor did. The namespace watcher (host/watch/watcher.ts) is what wakes it: it
// already subscribes before it scans, coalesces bursts, turns lost notifications into a
// full rescan and reports a failed watch, and a new endpoint can become one through an
// address as well as a link (Kata skips links without addresses), which a link-only
// subscription would miss. Its state is not used to decide, though: that state lists the
// endpoints, and an attached endpoint can stop being one without going away (macvtap moves
// its addresses off the veth). Each wake-up scans once more and compares links with the
// persisted attachment: an attached endpoint whose link is gone is detached, an endpoint
// not attached yet is attached with the next free index. Route and neighbour changes only
// cost the watcher's rescan.

import { scan } from "../scan.ts";
import type { Envelope } from "../watch/envelope.ts";
import { NamespaceWatcher } from "../watch/watcher.ts";
import { attach, attachedEndpoints, detach, type AttachedEndpoint, type Attachment, type AttachOptions } from "./index.ts";

type EndpointDescription = Omit<AttachedEndpoint, "vmFds" | "vhostFds">;

/** One line of `katanet attach --follow`'s output. */
export type HotplugEvent =
  /** `existing`: it was attached before following began (by this or another process). */
  | ({ event: "attached"; netns: string; existing: boolean } & EndpointDescription)
  | { event: "detached"; netns: string; name: string; index: number; tapName: string | null }
  /** Kata plugs this endpoint type differently (physical, vhost-user, ...): not touched. */
  | { event: "skipped"; netns: string; name: string; reason: string }
  /** Attaching it failed (and was undone; tried again once it stops and starts being an
   * endpoint), or detaching it did (what is left stays on record for `katanet detach`;
   * tried again at the next change). */
  | { event: "failed"; netns: string; name: string; message: string };

export interface FollowOptions extends Omit<AttachOptions, "netns" | "only" | "keepFds"> {
  netns: string;
  /** Called for each change made, in order. */
  onEvent(event: HotplugEvent): void;
  /** The watch (or reading the attachment) failed; following has stopped and the attachments stay. */
  onError?(error: Error): void;
}

const NEUTRAL_CHANGES = new Set<Envelope["kind"]>(["updateRoutes", "addNeighbors"]);

interface PresentLinks {
  /** Kata's endpoints, in its order. */
  endpoints: string[];
  /** Every link of the namespace, endpoint or not. */
  links: Set<string>;
}

function presentLinks(netns: string, pciPaths?: Record<string, string>): PresentLinks {
  const { endpoints, skipped } = scan({ netns, pciPaths, keepGoing: true, rules: ["seed"], dumpThread: false });
  return { endpoints: endpoints.map((endpoint) => endpoint.name), links: new Set([...endpoints, ...skipped].map((link) => link.name)) };
}

function unattached(endpoints: string[], attached: AttachedEndpoint[]): string[] {
  const known = new Set(attached.flatMap((endpoint) => [endpoint.name, ...(endpoint.tapName === null ? [] : [endpoint.tapName])]));
  return endpoints.filter((name) => !known.has(name));
}

/**
 * Attaches every endpoint of `options.netns` at once (throwing, with nothing left running,
 * if that fails), then each one that appears later, and detaches each one that goes. The
 * VMM opens the taps by name (no fds are kept). The engine's calls are synchronous, so a
 * reconciliation runs whole inside the watcher's callback and two never overlap.
 */
export class EndpointFollower {
  private readonly watcher: NamespaceWatcher;
  private readonly attachOptions: AttachOptions;
  /** Skipped or failed names, not retried until they stop being endpoints. */
  private readonly settled = new Set<string>();
  private stopped = false;

  constructor(private readonly options: FollowOptions) {
    // model none records nothing, so there would be no attachment to follow.
    if (options.model === "none") throw new RangeError("model none creates nothing for a VM: there is nothing to follow");
    const { netns, onEvent: _onEvent, onError: _onError, ...attachOptions } = options;
    this.attachOptions = { ...attachOptions, netns, keepFds: false };
    // Subscribed before the first attach, so no link can appear unseen in between.
    this.watcher = new NamespaceWatcher({ netns, pciPaths: options.pciPaths, keepGoing: true });
    try {
      this.report(attach(this.attachOptions));
      this.reconcile();
    } catch (error) {
      this.watcher.stop();
      throw error;
    }
    this.watcher.subscribe({
      envelope: (envelope) => {
        if (this.stopped || NEUTRAL_CHANGES.has(envelope.kind)) return;
        try {
          this.reconcile();
        } catch (error) {
          this.fail(error);
        }
      },
      failed: (error) => this.fail(error),
    });
  }

  /** Stops following, leaving the attachments; with `detach`, removes them all. */
  stop(options: { detach?: boolean } = {}): void {
    this.stopped = true;
    this.watcher.stop();
    if (!options.detach) return;
    const netns = this.options.netns;
    const attached = attachedEndpoints(netns);
    detach({ netns });
    for (const { name, index, tapName } of attached) this.options.onEvent({ event: "detached", netns, name, index, tapName });
  }

  private reconcile(): void {
    const { netns, pciPaths } = this.options;
    const { endpoints, links } = presentLinks(netns, pciPaths);
    const attached = attachedEndpoints(netns);
    for (const name of this.settled) if (!endpoints.includes(name)) this.settled.delete(name);
    this.detachEndpoints(attached.filter((endpoint) => !links.has(endpoint.name)));
    this.attachEndpoints(unattached(endpoints, attached).filter((name) => !this.settled.has(name)));
  }

  /** Each endpoint on its own, so one that fails does not hold the others back. */
  private attachEndpoints(names: string[]): void {
    for (const name of names) {
      try {
        this.report(attach({ ...this.attachOptions, only: [name] }));
      } catch (error) {
        this.settled.add(name);
        this.options.onEvent({ event: "failed", netns: this.options.netns, name, message: (error as Error).message });
      }
    }
  }

  private report(attachment: Attachment): void {
    const netns = this.options.netns;
    for (const endpoint of attachment.endpoints) this.options.onEvent({ event: "attached", netns, existing: attachment.existing, ...describe(endpoint) });
    for (const { name, reason } of attachment.skipped) {
      this.settled.add(name);
      this.options.onEvent({ event: "skipped", netns, name, reason });
    }
  }

  private detachEndpoints(endpoints: AttachedEndpoint[]): void {
    const netns = this.options.netns;
    for (const { name, index, tapName } of endpoints) {
      try {
        detach({ netns, only: [name] });
        this.options.onEvent({ event: "detached", netns, name, index, tapName });
      } catch (error) {
        this.options.onEvent({ event: "failed", netns, name, message: (error as Error).message });
      }
    }
  }

  private fail(cause: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher.stop();
    this.options.onError?.(cause instanceof Error ? cause : new Error(String(cause)));
  }
}

/** An endpoint as an event carries it: without fds, which mean nothing outside this process. */
function describe(endpoint: AttachedEndpoint): EndpointDescription {
  const { vmFds: _vmFds, vhostFds: _vhostFds, ...description } = endpoint;
  return description;
}
