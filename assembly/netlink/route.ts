// RTM_NEWROUTE: rtmsg + attributes. As the library's RouteList: cloned routes and every
// route whose *header* table is not main are dropped before their attributes are read
// (a table above 255 sits in the header as RT_TABLE_COMPAT, so it is dropped too); the
// output interface decides which link a route belongs to, so multipath and reject routes
// (no RTA_OIF) never reach Kata.
import { lastError } from "../errors";
import {
  append, chainFor, C_ROUTE_HEAD, NONE, routes, R_DST, R_DST_MASK_A, R_DST_MASK_B, R_DST_MASK_KIND, R_FAMILY,
  R_FLAGS, R_GW, R_MTU, R_PROTOCOL, R_SCOPE, R_SRC,
} from "../model";
import { cidrMaskKind } from "../text/ip";
import { AttributeReader } from "./attributes";
import {
  AF_MPLS, RTAX_MTU, RTA_DST, RTA_GATEWAY, RTA_METRICS, RTA_OIF, RTA_PREFSRC, RTM_F_CLONED, RT_TABLE_MAIN,
} from "./constants";
import { MessageWalker } from "./messages";

const RTMSG_SIZE = 12;
const attributes = new AttributeReader();
const metrics = new AttributeReader();

export function decodeRoute(message: MessageWalker): void {
  if (!message.hasHeader(RTMSG_SIZE, "RTM_NEWROUTE")) return;
  const header = message.payload;
  const flags = load<u32>(header + 8);
  if (flags & RTM_F_CLONED || load<u8>(header + 4) != RT_TABLE_MAIN) return;
  const family = <i32>load<u8>(header);
  const destinationLength = <i32>load<u8>(header + 1);
  const base = message.inputBase;
  const row = routes.add();
  routes.set(row, R_FAMILY, family);
  routes.set(row, R_PROTOCOL, load<u8>(header + 5));
  routes.set(row, R_SCOPE, load<u8>(header + 6));
  routes.set(row, R_FLAGS, <i32>flags);
  routes.set(row, R_DST + 1, NONE);
  routes.set(row, R_GW + 1, NONE);
  routes.set(row, R_SRC + 1, NONE);
  let outputInterface = 0;
  attributes.reset(header + RTMSG_SIZE, header + <usize>message.payloadLength, base);
  while (attributes.next()) {
    switch (attributes.type) {
      case RTA_DST:
        // An MPLS destination is a label stack, not an IP: Kata never sees it.
        if (family != AF_MPLS) setDestination(row, attributes.offsetOfValue(), attributes.length, destinationLength);
        break;
      case RTA_GATEWAY:
        routes.set(row, R_GW, attributes.offsetOfValue());
        routes.set(row, R_GW + 1, attributes.length);
        break;
      case RTA_PREFSRC:
        routes.set(row, R_SRC, attributes.offsetOfValue());
        routes.set(row, R_SRC + 1, attributes.length);
        break;
      case RTA_OIF:
        outputInterface = <i32>attributes.u32("RTA_OIF");
        break;
      case RTA_METRICS:
        routes.set(row, R_MTU, metricMTU(base));
        break;
    }
  }
  if (lastError.failed) return;
  append(chainFor(outputInterface), C_ROUTE_HEAD, routes, row);
}

function setDestination(row: i32, offset: i32, length: i32, ones: i32): void {
  routes.set(row, R_DST, offset);
  routes.set(row, R_DST + 1, length);
  routes.set(row, R_DST_MASK_KIND, cidrMaskKind(ones, length * 8));
  routes.set(row, R_DST_MASK_A, ones);
  routes.set(row, R_DST_MASK_B, length * 8);
}

/** RTAX_MTU inside RTA_METRICS; the lock bit lives elsewhere and is lost, as in Go. */
function metricMTU(base: usize): i32 {
  let mtu = 0;
  metrics.reset(attributes.value, attributes.value + <usize>attributes.length, base);
  while (metrics.next()) if (metrics.type == RTAX_MTU) mtu = <i32>metrics.u32("RTAX_MTU");
  return mtu;
}
