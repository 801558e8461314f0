// RTM_NEWROUTE: rtmsg + attributes. As the library's RouteList: cloned routes and every
// route whose *header* table is not main are dropped before their attributes are read
// (a table above 255 sits in the header as RT_TABLE_COMPAT, so it is dropped too); the
// output interface decides which link a route belongs to, so multipath and reject routes
// (no RTA_OIF) never reach Kata. Each route message leaves its verdict in `routeDecoded`
// (kata/reasons.ts), which `explain` reads back in message order.
import { lastError } from "../errors";
import {
  appendRoute, chainFor, NONE, routes, R_DST, R_DST_LENGTH, R_DST_MASK_A, R_DST_MASK_B, R_DST_MASK_KIND, R_FLAGS, R_GW,
  R_GW_LENGTH, R_MTU, R_PROTOCOL, R_SRC, R_SRC_LENGTH, ROUTE_KEPT, routeDecoded, setRouteFamily, setRouteScope,
} from "../model";
import { cidrMaskKind } from "../text/ip";
import { afterAttribute, attributeAt, attributeLength, attributeType, attributeU32, attributeValue } from "./attributes";
import { setFieldAt } from "../memory/table";
import {
  AF_MPLS, RTAX_MTU, RTA_DST, RTA_MULTIPATH, RTA_GATEWAY, RTA_METRICS, RTA_OIF, RTA_PREFSRC, RTM_F_CLONED, RT_TABLE_MAIN,
} from "./constants";
import { hasHeader, messagePayload, messagePayloadLength, messageType } from "./messages";
import { ROUTE_CLONED, ROUTE_MULTIPATH, ROUTE_NOT_MAIN_TABLE, ROUTE_NO_DEVICE, SENT } from "../kata/reasons";

const RTMSG_SIZE = 12;

/** Adds the route to its link's chain and returns the chain; NONE for a route Kata never sees. */
export function decodeRoute(message: usize, base: usize): i32 {
  if (!hasHeader(message, base, RTMSG_SIZE, "RTM_NEWROUTE")) return NONE;
  const header = messagePayload(message);
  const flags = load<u32>(header + 8);
  if (flags & RTM_F_CLONED || load<u8>(header + 4) != RT_TABLE_MAIN) {
    routeDecoded.push(flags & RTM_F_CLONED ? ROUTE_CLONED : ROUTE_NOT_MAIN_TABLE);
    return NONE;
  }
  const row = routes.add();
  const outputInterface = readRoute(message, base, row);
  if (lastError.failed) return NONE;
  routeDecoded.push(ROUTE_KEPT | (outputInterface != 0 ? SENT : sawMultipath ? ROUTE_MULTIPATH : ROUTE_NO_DEVICE));
  const chain = chainFor(outputInterface);
  appendRoute(chain, row);
  return chain;
}

let sawMultipath = false; // the last route read had RTA_MULTIPATH (its hops name the links)

/** Fills `row` from the route message; returns its output interface (0: none). */
export function readRoute(message: usize, base: usize, row: i32): i32 {
  const header = messagePayload(message);
  const family = <i32>load<u8>(header);
  const destinationLength = <i32>load<u8>(header + 1);
  const route = routes.rowAt(row);
  setFieldAt(route, R_PROTOCOL, load<u8>(header + 5));
  setRouteScope(row, load<u8>(header + 6));
  setRouteFamily(row, family);
  setFieldAt(route, R_FLAGS, <i32>load<u32>(header + 8));
  setFieldAt(route, R_DST_LENGTH, NONE);
  setFieldAt(route, R_GW_LENGTH, NONE);
  setFieldAt(route, R_SRC_LENGTH, NONE);
  let outputInterface = 0;
  sawMultipath = false;
  const end = header + <usize>messagePayloadLength(message);
  for (let at = header + RTMSG_SIZE; attributeAt(at, end, base); at = afterAttribute(at, end)) {
    const offset = <i32>(attributeValue(at) - base);
    const length = attributeLength(at);
    switch (attributeType(at)) {
      case RTA_DST:
        // An MPLS destination is a label stack, not an IP: Kata never sees it.
        if (family != AF_MPLS) setDestination(route, offset, length, destinationLength);
        break;
      case RTA_GATEWAY:
        setFieldAt(route, R_GW, offset);
        setFieldAt(route, R_GW_LENGTH, length);
        break;
      case RTA_PREFSRC:
        setFieldAt(route, R_SRC, offset);
        setFieldAt(route, R_SRC_LENGTH, length);
        break;
      case RTA_OIF:
        outputInterface = <i32>attributeU32(at, base, "RTA_OIF");
        break;
      case RTA_METRICS:
        setFieldAt(route, R_MTU, metricMTU(at, base));
        break;
      case RTA_MULTIPATH:
        sawMultipath = true;
        break;
    }
  }
  return outputInterface;
}

@inline function setDestination(route: usize, offset: i32, length: i32, ones: i32): void {
  setFieldAt(route, R_DST, offset);
  setFieldAt(route, R_DST_LENGTH, length);
  setFieldAt(route, R_DST_MASK_KIND, cidrMaskKind(ones, length * 8));
  setFieldAt(route, R_DST_MASK_A, ones);
  setFieldAt(route, R_DST_MASK_B, length * 8);
}

/** RTAX_MTU inside RTA_METRICS (the attribute at `metrics`); the lock bit lives elsewhere and is lost, as in Go. */
function metricMTU(metrics: usize, base: usize): i32 {
  let mtu = 0;
  const end = attributeValue(metrics) + <usize>attributeLength(metrics);
  for (let at = attributeValue(metrics); attributeAt(at, end, base); at = afterAttribute(at, end)) {
    if (attributeType(at) == RTAX_MTU) mtu = <i32>attributeU32(at, base, "RTAX_MTU");
  }
  return mtu;
}
