// The node agent: every namespace it follows (all of /run/netns as they come and go, and
// any given by hand), each with its own stream at /netns/NAME, and the listing at /netns.
// All of them share one scheduler (host/node/scheduler.ts), one Wasm core and one event
// loop; each costs one notification socket and the handle on its namespace.

import { defaultCore } from "../default-core.ts";
import { resolveNamespace } from "../netlink/netns.ts";
import type { ServeMetrics } from "../serve/metrics.ts";
import { Listeners, type Selection, type Stream, type StreamCatalogue } from "../serve/streams.ts";
import type { NamespaceGoneError } from "../watch/namespace-presence.ts";
import { DEFAULT_COALESCE_MS, type WatchOptions } from "../watch/watcher.ts";
import { FollowedNamespace } from "./followed-namespace.ts";
import { NamespaceDirectory } from "./netns-dir-watch.ts";
import { MemorySettler } from "./memory-settler.ts";
import { RescanScheduler } from "./scheduler.ts";
import { listingFrame, listingJson, type NamespaceStatus } from "./status-frames.ts";

export interface NodeOptions {
  /** Follow every namespace under /run/netns, as namespaces appear and disappear. */
  allNetns?: boolean;
  /** Namespaces to follow (NAME, PATH or PID), with allNetns or alone; each is served at
   * /netns/NAME (a PATH or PID percent-encoded, as given). */
  namespaces?: string[];
}

export function followsSeveral(options: NodeOptions): boolean {
  return options.allNetns === true || (options.namespaces?.length ?? 0) > 0;
}

const LISTING_PATH = "/netns";
const STREAM_PREFIX = "/netns/";

export class NamespaceRegistry implements StreamCatalogue {
  private readonly settler = new MemorySettler(() => this.watchOptions.core ?? defaultCore());
  private readonly scheduler = new RescanScheduler((ms) => this.settler.worked(ms));
  /** The directory listing and the listing frames take turns like any namespace. */
  private readonly ownLane = this.scheduler.lane();
  private readonly followed = new Map<string, FollowedNamespace>();
  /** Identity (device:inode) of each named namespace's file when it was last listed. */
  private readonly identities = new Map<string, string>();
  private readonly given: Set<string>;
  private readonly directory: NamespaceDirectory | undefined;
  private readonly listingListeners = new Listeners();
  private listingSeq = 0n;
  private pendingListing: (() => void) | undefined;
  private pendingRelist: (() => void) | undefined;
  private readonly listingStream: Stream = {
    current: () => [listingFrame(this.listingSeq, this.statuses())],
    subscribe: (listener) => this.listingListeners.subscribe(listener),
  };

  constructor(
    private readonly watchOptions: WatchOptions,
    private readonly node: NodeOptions,
    private readonly metrics: ServeMetrics,
    /** Watching /run/netns stopped working: the agent can no longer see namespaces come and go. */
    failed: (error: Error) => void,
  ) {
    // Checked first, so a bad spec fails the start rather than becoming a retried failure.
    this.given = new Set((node.namespaces ?? []).map((spec) => resolveNamespace(spec).spec));
    for (const spec of this.given) this.follow(spec);
    const names = [...this.given].some((spec) => resolveNamespace(spec).kind === "name");
    if (node.allNetns || names) {
      this.directory = new NamespaceDirectory(
        () => this.relistSoon(),
        (error) => failed(new Error(`watching ${this.directory?.path ?? "/run/netns"} failed: ${error.message}`)),
      );
      this.relist();
    }
  }

  select(url: string): Selection {
    const path = new URL(url, "http://localhost").pathname;
    if (path === LISTING_PATH) return { stream: this.listingStream };
    if (path.startsWith(STREAM_PREFIX)) {
      const name = decodeURIComponent(path.slice(STREAM_PREFIX.length));
      const followed = this.followed.get(name);
      if (followed) return { stream: followed };
      return { status: 404, reason: `namespace "${name}" is not followed here; ${LISTING_PATH} lists those that are` };
    }
    return { status: 404, reason: `choose a stream: ${STREAM_PREFIX}NAME for a namespace, ${LISTING_PATH} for the listing` };
  }

  /** Namespaces streaming now. */
  watching(): number {
    let count = 0;
    for (const followed of this.followed.values()) if (followed.streaming) count += 1;
    return count;
  }

  listing(): ReturnType<typeof listingJson> {
    return listingJson(this.statuses());
  }

  stop(): void {
    this.directory?.close();
    for (const followed of this.followed.values()) followed.stop();
    this.scheduler.stop();
    this.settler.stop();
  }

  private follow(name: string): void {
    const followed = new FollowedNamespace(name, name, {
      watchOptions: this.watchOptions,
      schedule: this.scheduler.lane(),
      statusChanged: () => this.listingChanged(),
      failed: () => this.metrics.error("namespace"),
      gone: (error) => {
        // A name's end is the directory listing's to tell (it also sees a name reused).
        if (resolveNamespace(name).kind === "name") this.relistSoon();
        else followed.end(goneMessage(name, error));
      },
    });
    this.followed.set(name, followed);
    followed.openSoon();
    this.listingChanged();
  }

  private relistSoon(): void {
    this.pendingRelist ??= this.ownLane(performance.now(), () => {
      this.pendingRelist = undefined;
      this.relist();
    });
  }

  /** Brings the followed set in line with /run/netns: a vanished name ends its stream, a
   * reused one (another file under the same name) starts over, a new one is followed. */
  private relist(): void {
    const present = this.directory!.entries();
    for (const [name, identity] of this.identities) {
      if (present.get(name) === identity) continue;
      this.identities.delete(name);
      const followed = this.followed.get(name);
      const gone = !present.has(name);
      // A file that was not a namespace yet (not mounted) and now is: reopened below.
      if (!followed || !(gone || followed.streaming)) continue;
      followed.end(gone ? `namespace ${name} was deleted` : `namespace ${name} was deleted and its name reused`);
      if (!this.given.has(name)) {
        this.followed.delete(name);
        this.listingChanged();
      }
    }
    for (const [name, identity] of present) {
      if (this.identities.get(name) === identity) continue;
      this.identities.set(name, identity);
      const followed = this.followed.get(name);
      if (followed) followed.reopen();
      else if (this.node.allNetns) this.follow(name);
    }
  }

  /** Listing clients get the new listing once per coalescing window, not per change. */
  private listingChanged(): void {
    const windowMs = this.watchOptions.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.pendingListing ??= this.ownLane(performance.now() + windowMs, () => {
      this.pendingListing = undefined;
      this.listingListeners.frame(listingFrame(++this.listingSeq, this.statuses()));
    });
  }

  private statuses(): NamespaceStatus[] {
    return [...this.followed.values()].map((followed) => followed.status).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Worded as a deletion under /run/netns is, with what showed it. */
function goneMessage(name: string, error: NamespaceGoneError): string {
  if (error.how === "exited") return `namespace ${name} was deleted (process ${name} exited)`;
  return error.how === "replaced" ? `namespace ${name} was deleted and its name reused` : `namespace ${name} was deleted`;
}
