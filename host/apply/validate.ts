// Validate, then write: the whole plan is checked against the namespace as it is before
// the first write, so a message the kernel would refuse part-way (an MTU out of the
// device's range, a device that does not exist) or that would wreck the namespace
// (renaming loopback) is refused whole, with nothing written.

import { defaultCore } from "../convert.ts";
import { linkByMac, type Link } from "./links.ts";
import type { ApplyPlan, InterfacePlan } from "./plan.ts";
import { fieldError } from "./text.ts";

/**
 * Throws ApplyInputError at the first problem. `scope`, when given, is the MACs of the
 * links the apply may touch: routes and neighbours must then be on those links.
 */
export function checkPlanAgainstLinks(plan: ApplyPlan, links: readonly Link[], scope?: readonly Uint8Array[]): void {
  const names = new Map(links.map((link) => [link.index, link.name]));
  plan.interfaces.forEach((iface, i) => {
    const link = linkByMac(links, iface.mac);
    if (!link) throw fieldError(`interfaces[${i}].hwAddr`, defaultCore().macText(iface.mac), "no link with this MAC address in the namespace");
    checkInterface(iface, `interfaces[${i}]`, link, links);
    const current = names.get(link.index)!;
    if (current === iface.name) return;
    const holder = [...names].find(([, name]) => name === iface.name);
    if (holder) names.set(holder[0], current);
    names.set(link.index, iface.name);
  });
  // Route and neighbour devices are named as they will be after the renames above.
  const allowed = new Set(
    [...names].filter(([index]) => scope === undefined || inScope(links.find((link) => link.index === index)!, scope)).map(([, name]) => name),
  );
  const existing = new Set(names.values());
  for (const { field, device } of [...(plan.routes ?? []), ...plan.neighbours]) {
    if (!existing.has(device)) throw fieldError(`${field}.device`, device, "no link with this name in the namespace (after the interface updates)");
    if (!allowed.has(device)) throw fieldError(`${field}.device`, device, "not one of the links the stream describes; only those are touched (--agent-semantics lifts this)");
  }
}

/** The link indexes `scope` names (links whose MAC it lists). */
export function scopedIndexes(links: readonly Link[], scope: readonly Uint8Array[]): Set<number> {
  return new Set(links.filter((link) => inScope(link, scope)).map((link) => link.index));
}

function inScope(link: Link, scope: readonly Uint8Array[]): boolean {
  return scope.some((mac) => linkByMac([link], mac) !== undefined);
}

function checkInterface(iface: InterfacePlan, field: string, link: Link, links: readonly Link[]): void {
  if (link.loopback) throw fieldError(`${field}.hwAddr`, defaultCore().macText(iface.mac), `names the loopback device ${link.name}, which is never reconfigured`);
  const holder = links.find((other) => other.name === iface.name && other.index !== link.index);
  if (iface.name === "lo" || holder?.loopback) {
    throw fieldError(`${field}.name`, iface.name, "is the loopback device's name; no link is renamed to or from it");
  }
  const min = link.minMtu ?? 1;
  const max = link.maxMtu || 0xffffffff;
  if (iface.mtu < min || iface.mtu > max) {
    throw fieldError(`${field}.mtu`, iface.mtu, `out of the range ${link.name} accepts (${min}-${max})`);
  }
}
