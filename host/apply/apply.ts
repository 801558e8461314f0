// Applies agent requests to a network namespace the way Kata's agent configures its guest:
// every interface update (found by MAC; its old addresses replaced), then the routes (the
// old ones deleted first), then the neighbours. All fields and all link look-ups are
// checked first (ApplyInputError); a kernel refusal part-way is an ApplyError listing
// what was and was not applied, deletions included.

import { inNamespace } from "../netlink/netns.ts";
import { NetlinkError, NetlinkSocket } from "../netlink/socket.ts";
import { linkAddressDeletions, oldRouteDeletions } from "./deletions.ts";
import type { AgentRequests } from "./input.ts";
import { namespaceSupportsIpv6 } from "./ipv6.ts";
import { linkByMac, linkByName, listLinks, type Link } from "./links.ts";
import { planRequests, type ApplyPlan, type InterfacePlan, type NeighbourPlan, type RoutePlan } from "./plan.ts";
import { newAddressRequest, newNeighbourRequest, newRouteRequest, setLinkRequest } from "./requests.ts";
import { runUnits, type ApplyReport, type Step, type Unit } from "./steps.ts";
import { waitForUsableAddresses } from "./tentative.ts";
import { fieldError } from "./text.ts";
import { defaultCore } from "../convert.ts";
import { traced } from "../trace.ts";

const EEXIST = 17;
const EADDRNOTAVAIL = 99;
const OWN_NAMESPACE = "/proc/thread-self/ns/net";
/** The agent parks a link whose name is wanted elsewhere under this suffix, then swaps. */
const TEMPORARY_SUFFIX = "_temp";
/** Long enough for IPv6 duplicate address detection (about 1-2 s with kernel defaults). */
const PREFERRED_SOURCE_WAIT_MS = 5000;

export interface ApplyOptions {
  /** NAME (/var/run/netns/NAME), a path, or a PID; the calling thread's own namespace when absent. */
  netns?: string;
}

/** One namespace's netlink socket, kept open so a stream of requests can be applied in turn. */
export class Applier {
  private readonly netns: string;
  private readonly socket: NetlinkSocket;
  /** Link indexes by name for route and neighbour writes, which cannot rename links; an
   * interface update clears it. Saves a link dump per route on large route sets. */
  private indexesByName: Map<string, number> | undefined;

  constructor(options: ApplyOptions = {}) {
    this.netns = options.netns ?? OWN_NAMESPACE;
    this.socket = inNamespace(this.netns, () => NetlinkSocket.open());
  }

  apply(requests: AgentRequests): ApplyReport {
    return traced("apply", { netns: this.netns }, () => this.applyRequests(requests));
  }

  private applyRequests(requests: AgentRequests): ApplyReport {
    const plan = planRequests(requests);
    const ipv6 = inNamespace(this.netns, namespaceSupportsIpv6);
    checkLinksExist(plan, listLinks(this.socket));
    const report: ApplyReport = { applied: [], skipped: [] };
    this.indexesByName = undefined;
    const units: Unit[] = [
      ...plan.interfaces.flatMap((iface) => [this.linkDownUnit(iface), this.interfaceUnit(iface, ipv6, report)]),
      ...(plan.routes ? [this.oldRoutesUnit(), ...plan.routes.map((route) => this.routeUnit(route))] : []),
      ...plan.neighbours.map((neighbour) => this.neighbourUnit(neighbour)),
    ];
    return runUnits(units, report);
  }

  close(): void {
    this.socket.close();
  }

  private write(message: Uint8Array): Step["run"] {
    return () => this.socket.request(message);
  }

  /** update_interface begins by taking the link down. A unit of its own: the agent lists
   * the addresses to delete after that, and the kernel drops IPv6 addresses on down. */
  private linkDownUnit(iface: InterfacePlan): Unit {
    return {
      label: iface.label,
      steps: () => {
        const link = this.linkWithMac(iface);
        if (!link.up) return [];
        return [{ description: `${iface.label}: set ${link.name} down`, run: this.write(setLinkRequest(link.index, { up: false })) }];
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
          steps.push({
            description: say(`add address ${address.text} to ${link.name}`),
            run: this.write(newAddressRequest(link.index, address.family, address.bytes, address.length)),
          });
        }
        const holder = link.name === iface.name ? undefined : linkByName(links, iface.name);
        if (holder) {
          const parked = holder.name + TEMPORARY_SUFFIX;
          if (holder.up) steps.push({ description: say(`set ${holder.name} down`), run: this.write(setLinkRequest(holder.index, { up: false })) });
          steps.push({ description: say(`rename ${holder.name} to ${parked}`), run: this.write(setLinkRequest(holder.index, { name: parked })) });
        }
        steps.push({
          description: say(`set ${link.name} mtu ${iface.mtu}, name ${iface.name}, arp ${iface.arp ? "on" : "off"}, up`),
          run: this.write(setLinkRequest(link.index, { mtu: iface.mtu, name: iface.name, arp: iface.arp, up: true })),
        });
        if (holder) {
          steps.push({
            description: say(`rename ${holder.name}${TEMPORARY_SUFFIX} to ${link.name}, up`),
            run: this.write(setLinkRequest(holder.index, { name: link.name, up: true })),
          });
        }
        return steps;
      },
    };
  }

  /** update_routes begins by deleting the old routes (see oldRouteDeletions for which),
   * listed once the interface updates have renamed links and dropped their routes. */
  private oldRoutesUnit(): Unit {
    return {
      label: "delete the old routes",
      steps: () => oldRouteDeletions(this.socket, listLinks(this.socket)).map(({ description, request }) => ({ description, run: this.write(request) })),
    };
  }

  private routeUnit(route: RoutePlan): Unit {
    return {
      label: route.label,
      steps: () => {
        const outputIndex = this.indexOf(route.device);
        if (route.family === 6 && route.source && !route.source.asPrefix) {
          waitForUsableAddresses(this.socket, [route.source.bytes], PREFERRED_SOURCE_WAIT_MS);
        }
        const request = newRouteRequest({ ...route, outputIndex });
        // An identical route already there is what was asked for (the agent ignores EEXIST too).
        return [{ description: route.label, run: () => ignoreErrno(EEXIST, this.write(request)) }];
      },
    };
  }

  private neighbourUnit(neighbour: NeighbourPlan): Unit {
    return {
      label: neighbour.label,
      steps: () => {
        const request = newNeighbourRequest({ ...neighbour, index: this.indexOf(neighbour.device) });
        return [{ description: neighbour.label, run: this.write(request) }];
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
export function apply(requests: AgentRequests, options: ApplyOptions = {}): ApplyReport {
  const applier = new Applier(options);
  try {
    return applier.apply(requests);
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

/**
 * Every interface's MAC must name a link, and every route and neighbour device must name a
 * link once the interface updates (renames and swaps) are done — checked on a simulation
 * of those renames, so an unknown device is reported before anything is written.
 */
function checkLinksExist(plan: ApplyPlan, links: Link[]): void {
  const names = new Map(links.map((link) => [link.index, link.name]));
  plan.interfaces.forEach((iface, i) => {
    const link = linkByMac(links, iface.mac);
    if (!link) throw fieldError(`interfaces[${i}].hwAddr`, defaultCore().macText(iface.mac), "no link with this MAC address in the namespace");
    const current = names.get(link.index)!;
    if (current === iface.name) return;
    const holder = [...names].find(([, name]) => name === iface.name);
    if (holder) names.set(holder[0], current);
    names.set(link.index, iface.name);
  });
  const finalNames = new Set(names.values());
  const check = (field: string, device: string) => {
    if (!finalNames.has(device)) throw fieldError(field, device, "no link with this name in the namespace (after the interface updates)");
  };
  for (const { field, device } of [...(plan.routes ?? []), ...plan.neighbours]) check(`${field}.device`, device);
}
