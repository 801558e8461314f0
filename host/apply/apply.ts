// Applies agent requests to a network namespace the way Kata's agent configures its guest:
// every interface update (found by MAC; its old addresses replaced), then the routes (the
// old ones deleted first), then the neighbours. All fields, and the whole message against
// the namespace (links, names, MTU ranges), are checked first (ApplyInputError). A kernel
// refusal part-way is an ApplyError listing what was and was not applied, deletions
// included — and, unless `agentSemantics`, what was undone to leave the namespace as it was.

import { inNamespace } from "../netlink/netns.ts";
import { deletionOf } from "../netlink/recreate.ts";
import { NetlinkError, NetlinkSocket } from "../netlink/socket.ts";
import { linkAddressDeletions, oldRouteDeletions } from "./deletions.ts";
import type { AgentRequests } from "./input.ts";
import { namespaceSupportsIpv6 } from "./ipv6.ts";
import { linkByMac, linkByName, listLinks, type Link } from "./links.ts";
import { planRequests, type InterfacePlan, type NeighbourPlan, type RoutePlan } from "./plan.ts";
import { newAddressRequest, newNeighbourRequest, newRouteRequest, setLinkRequest, type LinkChange } from "./requests.ts";
import { NamespaceRecord } from "./rollback.ts";
import { runUnits, type ApplyReport, type Step, type Unit } from "./steps.ts";
import { waitForUsableAddresses } from "./tentative.ts";
import { checkPlanAgainstLinks, scopedIndexes } from "./validate.ts";
import { defaultCore } from "../convert.ts";
import { tracedAsync } from "../trace.ts";

const ENOENT = 2;
const ESRCH = 3;
const EEXIST = 17;
const EADDRNOTAVAIL = 99;
const OWN_NAMESPACE = "/proc/thread-self/ns/net";
/** The agent parks a link whose name is wanted elsewhere under this suffix, then swaps. */
const TEMPORARY_SUFFIX = "_temp";
/** Long enough for IPv6 duplicate address detection (about 1-2 s with kernel defaults);
 * one budget for the whole apply, however many routes wait. */
const PREFERRED_SOURCE_WAIT_MS = 5000;

export interface ApplyOptions {
  /** NAME (/var/run/netns/NAME), a path, or a PID; the calling thread's own namespace when absent. */
  netns?: string;
  /** Exactly what the agent does: stop at the first refused write and leave the namespace
   * as it then is, and delete old routes of every link and table. */
  agentSemantics?: boolean;
}

export interface ApplyCall {
  /** MACs of the only links this apply may touch (their routes in the main table
   * included); every link when absent. Ignored with `agentSemantics`. */
  scope?: readonly Uint8Array[];
  /** Aborting stops the apply before its next write (and rolls it back). */
  signal?: AbortSignal;
}

/** One namespace's netlink socket, kept open so a stream of requests can be applied in turn. */
export class Applier {
  readonly netns: string;
  private readonly socket: NetlinkSocket;
  private readonly agentSemantics: boolean;
  /** Link indexes by name for route and neighbour writes, which cannot rename links; an
   * interface update clears it. Saves a link dump per route on large route sets. */
  private indexesByName: Map<string, number> | undefined;

  constructor(options: ApplyOptions = {}) {
    this.netns = options.netns ?? OWN_NAMESPACE;
    this.agentSemantics = options.agentSemantics ?? false;
    this.socket = inNamespace(this.netns, () => NetlinkSocket.open());
  }

  apply(requests: AgentRequests, call: ApplyCall = {}): Promise<ApplyReport> {
    return tracedAsync("apply", { netns: this.netns }, () => this.applyRequests(requests, call));
  }

  private async applyRequests(requests: AgentRequests, call: ApplyCall): Promise<ApplyReport> {
    const plan = planRequests(requests);
    const ipv6 = inNamespace(this.netns, namespaceSupportsIpv6);
    const scope = this.agentSemantics ? undefined : call.scope;
    const links = listLinks(this.socket);
    checkPlanAgainstLinks(plan, links, scope);
    const report: ApplyReport = { applied: [], skipped: [] };
    this.indexesByName = undefined;
    const sourceDeadline = Date.now() + PREFERRED_SOURCE_WAIT_MS;
    const units: Unit[] = [
      ...plan.interfaces.flatMap((iface) => [this.linkDownUnit(iface), this.interfaceUnit(iface, ipv6, report)]),
      ...(plan.routes ? [this.oldRoutesUnit(scope), ...plan.routes.map((route) => this.routeUnit(route, sourceDeadline, call.signal))] : []),
      ...plan.neighbours.map((neighbour) => this.neighbourUnit(neighbour)),
    ];
    const record = this.agentSemantics ? undefined : NamespaceRecord.take(this.socket);
    return runUnits(units, report, { signal: call.signal, rollback: record && (() => record.restore(this.socket)) });
  }

  close(): void {
    this.socket.close();
  }

  private write(message: Uint8Array): () => void {
    return () => this.socket.request(message);
  }

  /** A link change whose undo sets back what `before` says, taking the link down first
   * when its name changes back (the kernel renames only links that are down). */
  private linkStep(description: string, link: Link, change: LinkChange, before: Link): Step {
    const back: LinkChange = {};
    if (change.up !== undefined) back.up = before.up;
    if (change.arp !== undefined) back.arp = before.arp;
    if (change.mtu !== undefined) back.mtu = before.mtu;
    if (change.name !== undefined) back.name = before.name;
    const undo = () => {
      if (back.name !== undefined) this.socket.request(setLinkRequest(link.index, { up: false }));
      this.socket.request(setLinkRequest(link.index, back));
    };
    return { description, run: this.write(setLinkRequest(link.index, change)), undo };
  }

  /** update_interface begins by taking the link down. A unit of its own: the agent lists
   * the addresses to delete after that, and the kernel drops IPv6 addresses on down. */
  private linkDownUnit(iface: InterfacePlan): Unit {
    return {
      label: iface.label,
      steps: () => {
        const link = this.linkWithMac(iface);
        if (!link.up) return [];
        return [this.linkStep(`${iface.label}: set ${link.name} down`, link, { up: false }, link)];
      },
    };
  }

  /** The rest of update_interface: delete the link's addresses, add the requested ones,
   * move a name-holder aside, set MTU/name/ARP/up, swap back. */
  private interfaceUnit(iface: InterfacePlan, ipv6: boolean, report: ApplyReport): Unit {
    return {
      label: iface.label,
      steps: () => {
        this.indexesByName = undefined;
        const links = listLinks(this.socket);
        const link = this.linkWithMac(iface, links);
        const steps: Step[] = [];
        const say = (what: string) => `${iface.label}: ${what}`;
        for (const deletion of linkAddressDeletions(this.socket, link)) {
          // Deleting a primary IPv4 address deletes its subnet's secondaries with it (unless
          // promote_secondaries is set), so their own deletion finds them gone: that is what
          // it asked for. The agent fails there instead, on any link with two addresses in
          // one subnet; a follower would then stop mirroring such a pod, so this is not copied.
          steps.push({ description: say(deletion.description), run: () => ignoreErrno(EADDRNOTAVAIL, this.write(deletion.request)) });
        }
        for (const address of iface.addresses) {
          if (address.family === 6 && !ipv6) {
            report.skipped.push(say(`address ${address.text} (IPv6 is disabled in the namespace)`));
            continue;
          }
          const request = newAddressRequest(link.index, address.family, address.bytes, address.length);
          steps.push({
            description: say(`add address ${address.text} to ${link.name}`),
            run: this.write(request),
            undo: () => ignoreErrno(EADDRNOTAVAIL, this.write(deletionOf(request))),
          });
        }
        const holder = link.name === iface.name ? undefined : linkByName(links, iface.name);
        if (holder) {
          const parked = holder.name + TEMPORARY_SUFFIX;
          if (holder.up) steps.push(this.linkStep(say(`set ${holder.name} down`), holder, { up: false }, holder));
          steps.push(this.linkStep(say(`rename ${holder.name} to ${parked}`), holder, { name: parked }, holder));
        }
        const down = { ...link, up: false };
        steps.push(
          this.linkStep(
            say(`set ${link.name} mtu ${iface.mtu}, name ${iface.name}, arp ${iface.arp ? "on" : "off"}, up`),
            link,
            { mtu: iface.mtu, name: iface.name, arp: iface.arp, up: true },
            down,
          ),
        );
        if (holder) {
          const parkedHolder = { ...holder, name: holder.name + TEMPORARY_SUFFIX, up: false };
          steps.push(this.linkStep(say(`rename ${parkedHolder.name} to ${link.name}, up`), holder, { name: link.name, up: true }, parkedHolder));
        }
        return steps;
      },
    };
  }

  /** update_routes begins by deleting the old routes (see oldRouteDeletions for which),
   * listed once the interface updates have renamed links and dropped their routes. */
  private oldRoutesUnit(scope: readonly Uint8Array[] | undefined): Unit {
    return {
      label: "delete the old routes",
      steps: () => {
        const links = listLinks(this.socket);
        const deletions = oldRouteDeletions(this.socket, links, scope && scopedIndexes(links, scope));
        return deletions.map(({ description, request }) => ({ description, run: this.write(request) }));
      },
    };
  }

  private routeUnit(route: RoutePlan, sourceDeadline: number, signal: AbortSignal | undefined): Unit {
    return {
      label: route.label,
      steps: async () => {
        const outputIndex = this.indexOf(route.device);
        if (route.family === 6 && route.source && !route.source.asPrefix) {
          await waitForUsableAddresses(this.socket, [route.source.bytes], sourceDeadline, signal);
        }
        const request = newRouteRequest({ ...route, outputIndex });
        // An identical route already there is what was asked for (the agent ignores EEXIST too).
        return [{ description: route.label, run: () => ignoreErrno(EEXIST, this.write(request)), undo: () => ignoreErrno(ESRCH, this.write(deletionOf(request))) }];
      },
    };
  }

  private neighbourUnit(neighbour: NeighbourPlan): Unit {
    return {
      label: neighbour.label,
      steps: () => {
        const request = newNeighbourRequest({ ...neighbour, index: this.indexOf(neighbour.device) });
        return [{ description: neighbour.label, run: this.write(request), undo: () => ignoreErrno(ENOENT, this.write(deletionOf(request))) }];
      },
    };
  }

  private linkWithMac(iface: InterfacePlan, links = listLinks(this.socket)): Link {
    const link = linkByMac(links, iface.mac);
    if (!link) throw new Error(`no link with MAC ${defaultCore().macText(iface.mac)} any more`);
    return link;
  }

  private indexOf(device: string): number {
    this.indexesByName ??= new Map(listLinks(this.socket).map((link) => [link.name, link.index]));
    const index = this.indexesByName.get(device);
    if (index === undefined) throw new Error(`no link named ${JSON.stringify(device)}`);
    return index;
  }
}

/** Applies `requests` to a namespace once. */
export async function apply(requests: AgentRequests, options: ApplyOptions = {}, call: ApplyCall = {}): Promise<ApplyReport> {
  const applier = new Applier(options);
  try {
    return await applier.apply(requests, call);
  } finally {
    applier.close();
  }
}

/** Runs a write for which the kernel's `errno` answer means the namespace already is as asked. */
function ignoreErrno(errno: number, write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!(error instanceof NetlinkError && error.errno === errno)) throw error;
  }
}
