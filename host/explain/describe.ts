// One line per explained object, in the words of `ip link` / `ip route` / `ip neigh`.
import type { MessagesJson } from "../schema.ts";
import { neighbourStateName } from "./rules.ts";

interface Described {
  kind: "link" | "address" | "route" | "neighbour";
  link: string;
  object: unknown;
}

export function describeObject(item: Described): string {
  switch (item.kind) {
    case "link": {
      const link = item.object as MessagesJson["Interface"];
      return `link ${link.name} (${link.type}, mtu ${link.mtu})`;
    }
    case "address": {
      const address = item.object as MessagesJson["IPAddress"];
      return `address ${address.address}/${address.mask} dev ${item.link}`;
    }
    case "route":
      return `route ${describeRoute(item.object as MessagesJson["Route"])}`;
    default: {
      const neighbour = item.object as MessagesJson["ARPNeighbor"];
      const lladdr = neighbour.lladdr ? ` lladdr ${neighbour.lladdr}` : "";
      return `neighbour ${neighbour.toIPAddress?.address ?? "?"}${lladdr} dev ${neighbour.device || "-"} ${neighbourStateName(neighbour.state)}`;
    }
  }
}

export function describeRoute(route: Pick<MessagesJson["Route"], "dest" | "gateway" | "device" | "source" | "mtu">): string {
  const via = route.gateway ? ` via ${route.gateway}` : "";
  const source = route.source ? ` src ${route.source}` : "";
  const mtu = route.mtu ? ` mtu ${route.mtu}` : "";
  return `${route.dest || "default"}${via} dev ${route.device || "-"}${source}${mtu}`;
}
