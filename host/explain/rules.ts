// Names and plain words for the core's reasons and changes (assembly/kata/reasons.ts),
// keyed by the core's own names for them: the codes stay in the core (host/core-abi.ts).
// The decisions are the core's; this table only says them. Ids are stable: tools match on them.
import { neighbourStateNames } from "../netlink/constants.ts";
import type { Change, DropReason, ExplainKind } from "../core-abi.ts";

export interface Rule {
  id: string;
  /** The reason in plain words; `detail` is the number the core gave with it. */
  says(detail: number): string;
}

const rule = (id: string, says: string | ((detail: number) => string)): Rule => ({
  id,
  says: typeof says === "string" ? () => says : says,
});

export function neighbourStateName(state: number): string {
  const names = neighbourStateNames(state);
  return names.length > 0 ? names.join("|") : "NONE";
}

/** By the core's reason; a sent object is named per kind in SENT_RULES. */
export const DROP_RULES: Record<DropReason, Rule> = {
  LINK_NO_ADDRESS: rule("link.no-address", "Kata makes an endpoint only of a link with at least one address"),
  LINK_LOOPBACK: rule("link.loopback", "Kata skips the loopback link; the guest has its own"),
  LINK_ALREADY_ADDED: rule("link.already-added", "a link of this name (or of a Kata network pair's bridge or tap) is already an endpoint"),
  LINK_UNSUPPORTED: rule("link.unsupported-type", "Kata cannot attach a link of this kind, and fails the whole sandbox on it"),
  LINK_PAIR_INDEX: rule("link.pair-index", "Kata takes the next network-pair index from the digits of the previous endpoint's name, finds none, and fails the whole sandbox"),
  ADDRESS_LOOPBACK: rule("address.loopback", "loopback addresses (127.0.0.0/8, ::1) are left out of the guest interface"),
  ADDRESS_LINK_DROPPED: rule("address.link-not-sent", "its link does not become a guest interface"),
  ROUTE_KERNEL_PROTOCOL: rule("route.kernel-protocol", "routes the kernel added itself (proto kernel) are left out: the guest's kernel adds its own"),
  ROUTE_NOT_MAIN_TABLE: rule("route.not-main-table", (table) => `only the main table (254) is read; this route is in ${table === 252 ? "a table above 255" : table === 255 ? "the local table (255)" : `table ${table}`}`),
  ROUTE_CLONED: rule("route.cloned", "cached (cloned) routes are not routes Kata reads"),
  ROUTE_MULTIPATH: rule("route.multipath", "a multipath route names no single link, so no guest interface gets it"),
  ROUTE_NO_DEVICE: rule("route.no-device", "the route has no output link (blackhole, unreachable, prohibit), so no guest interface gets it"),
  ROUTE_OTHER_DEVICE: rule("route.other-device", "its link does not become a guest interface"),
  NEIGH_NOT_PERMANENT: rule("neigh.not-permanent", (state) => `only permanent neighbours are sent; this one is ${neighbourStateName(state)}`),
  NEIGH_NO_LLADDR: rule("neigh.no-lladdr", "a neighbour without a link-layer address is not sent"),
  NEIGH_OTHER_DEVICE: rule("neigh.other-device", "its link does not become a guest interface"),
  NEIGH_NOT_GATEWAY: rule("neigh.not-gateway", "a reachable neighbour is sent only when it is the gateway of a default route on its link"),
};

export const SENT_RULES: Record<ExplainKind, Rule> = {
  link: rule("link.endpoint", "becomes a guest interface"),
  address: rule("address.sent", "sent with its interface"),
  route: rule("route.sent", "sent to the guest"),
  neighbour: rule("neigh.sent", "sent to the guest as a static neighbour"),
};

/** By the core's change: the object is sent, but not as it is. */
export const CHANGE_RULES: Record<Change, Rule> = {
  CHANGED_RAW_FLAGS: rule("link.raw-flags-masked", (flags) => `only the NOARP flag is sent: raw flags 0x${(flags >>> 0).toString(16)} become 0x${(flags & 0x80).toString(16)}`),
  CHANGED_MASK: rule("address.mask-not-canonical", "a mask that is not leading ones (or has no length) is sent as \"0\""),
  CHANGED_FAMILY_V6: rule("route.family-v6", "the route's family is sent as v6 although its addresses are IPv4 (Kata derives it from a gateway it does not have)"),
};

/** The agent message a sent object ends up in. */
export const MESSAGE_OF: Record<ExplainKind, string> = {
  link: "updateInterfaceRequests",
  address: "updateInterfaceRequests",
  route: "updateRoutesRequest",
  neighbour: "addArpNeighborsRequest",
};
