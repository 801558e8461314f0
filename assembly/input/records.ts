// Private message types by which the host hands the core what the kernel does not say:
// PCI paths, classification hints, and endpoints described by hand (structs.json form,
// DAN). Payloads are plain attribute streams; an absent attribute is Go's nil.
import { lastError } from "../errors";
import {
  addrs, appendAddress, appendNeighbour, appendRoute, A_IP, A_IP_LENGTH, A_MASK_A, A_MASK_B, A_MASK_KIND, chainFor, chains,
  C_ADDR_COUNT, endpoints, E_HW, E_HW_LENGTH, E_HW_IS_TEXT, E_KEY, E_MTU_HIGH, E_MTU_LOW, E_NAME, E_NAME_LENGTH, E_PCI,
  E_PCI_LENGTH, E_RAW_FLAGS, E_TYPE, E_TYPE_LENGTH, hints, H_KIND, H_NAME, H_NAME_LENGTH, H_VALUE, H_VALUE_LENGTH, nameChain,
  neighs, setPairIndex, NONE, N_FLAGS, N_IP, N_IP_LENGTH, N_LLADDR, N_LLADDR_LENGTH, N_STATE, routes, R_DST, R_DST_LENGTH,
  R_DST_MASK_A, R_DST_MASK_B, R_DST_MASK_KIND, R_FLAGS, R_GW, R_GW_LENGTH, R_MTU, R_PROTOCOL, R_SRC, R_SRC_LENGTH,
  setRouteFamily, setRouteScope, endpointNameLength,
} from "../model";
import { Table } from "../memory/table";
import { MASK_BYTES, MASK_NIL } from "../text/ip";
import { AttributeReader } from "../netlink/attributes";
import { hasHeader, messagePayload, messagePayloadLength, messageType } from "../netlink/messages";
import {
  KATANET_BUS_INFO, KATANET_CCW_DEVICE, KATANET_ENDPOINT, KATANET_PCI_PATH, KATANET_VHOST_USER, RECORD_ENDPOINT_ADDR,
  RECORD_ENDPOINT_HWADDR, RECORD_ENDPOINT_MTU, RECORD_ENDPOINT_NAME, RECORD_ENDPOINT_NEIGH, RECORD_ENDPOINT_PCI_PATH,
  RECORD_ENDPOINT_RAW_FLAGS, RECORD_ENDPOINT_ROUTE, RECORD_ENDPOINT_TYPE, RECORD_HINT_NAME, RECORD_HINT_VALUE, RECORD_IPNET_IP,
  RECORD_IPNET_MASK, RECORD_NEIGH_FLAGS, RECORD_NEIGH_IP, RECORD_NEIGH_LLADDR, RECORD_NEIGH_STATE, RECORD_ROUTE_DST,
  RECORD_ROUTE_FAMILY, RECORD_ROUTE_FLAGS, RECORD_ROUTE_GW, RECORD_ROUTE_MTU, RECORD_ROUTE_PROTOCOL, RECORD_ROUTE_SCOPE,
  RECORD_ROUTE_SRC,
} from "./record-types";

const fields = new AttributeReader();
const item = new AttributeReader();
const inner = new AttributeReader();

export function decodeHint(message: usize, base: usize): void {
  const row = hints.add();
  hints.set(row, H_KIND, messageType(message));
  hints.set(row, H_VALUE_LENGTH, 0);
  fields.reset(messagePayload(message), messagePayload(message) + <usize>messagePayloadLength(message), base, true);
  while (fields.next()) {
    if (fields.type == RECORD_HINT_NAME) setBytes(hints, row, H_NAME, H_NAME_LENGTH, fields);
    else if (fields.type == RECORD_HINT_VALUE) setBytes(hints, row, H_VALUE, H_VALUE_LENGTH, fields);
  }
}

/** Hand-described endpoints get keys below zero, apart from every kernel ifindex. Returns
 * the endpoint's chain, named after it once all its fields are read. */
export function decodeEndpointSpec(message: usize, base: usize): i32 {
  const row = endpoints.add();
  const key = -1 - row;
  const chain = chainFor(key);
  endpoints.set(row, E_KEY, key);
  endpoints.set(row, E_TYPE_LENGTH, 0);
  endpoints.set(row, E_HW_IS_TEXT, 1);
  endpoints.set(row, E_PCI_LENGTH, NONE);
  setPairIndex(row, NONE);
  fields.reset(messagePayload(message), messagePayload(message) + <usize>messagePayloadLength(message), base, true);
  while (fields.next()) {
    switch (fields.type) {
      case RECORD_ENDPOINT_NAME: setBytes(endpoints, row, E_NAME, E_NAME_LENGTH, fields); break;
      case RECORD_ENDPOINT_TYPE: setBytes(endpoints, row, E_TYPE, E_TYPE_LENGTH, fields); break;
      case RECORD_ENDPOINT_HWADDR: setBytes(endpoints, row, E_HW, E_HW_LENGTH, fields); break;
      case RECORD_ENDPOINT_PCI_PATH: setBytes(endpoints, row, E_PCI, E_PCI_LENGTH, fields); break;
      case RECORD_ENDPOINT_MTU:
        endpoints.set(row, E_MTU_LOW, <i32>fields.u32("endpoint MTU"));
        if (fields.length >= 8) endpoints.set(row, E_MTU_HIGH, load<i32>(fields.value + 4));
        break;
      case RECORD_ENDPOINT_RAW_FLAGS: endpoints.set(row, E_RAW_FLAGS, <i32>fields.u32("endpoint raw flags")); break;
      case RECORD_ENDPOINT_ADDR: decodeAddr(chain, base); break;
      case RECORD_ENDPOINT_ROUTE: decodeRoute(chain, base); break;
      case RECORD_ENDPOINT_NEIGH: decodeNeigh(chain, base); break;
    }
  }
  nameChain(key, endpoints.get(row, E_NAME), endpointNameLength(row));
  return chain;
}

function decodeAddr(chain: i32, base: usize): void {
  const row = addrs.add();
  addrs.set(row, A_IP_LENGTH, NONE);
  addrs.set(row, A_MASK_KIND, MASK_NIL);
  item.reset(fields.value, fields.value + <usize>fields.length, base, true);
  while (item.next()) {
    if (item.type == RECORD_IPNET_IP) setBytes(addrs, row, A_IP, A_IP_LENGTH, item);
    else if (item.type == RECORD_IPNET_MASK) setMask(addrs, row, A_MASK_KIND, A_MASK_A, A_MASK_B, item);
  }
  appendAddress(chain, row);
  chains.set(chain, C_ADDR_COUNT, chains.get(chain, C_ADDR_COUNT) + 1);
}

function decodeRoute(chain: i32, base: usize): void {
  const row = routes.add();
  routes.set(row, R_DST_LENGTH, NONE);
  routes.set(row, R_GW_LENGTH, NONE);
  routes.set(row, R_SRC_LENGTH, NONE);
  item.reset(fields.value, fields.value + <usize>fields.length, base, true);
  while (item.next()) {
    switch (item.type) {
      case RECORD_ROUTE_DST: decodeDestination(row, base); break;
      case RECORD_ROUTE_GW: setBytes(routes, row, R_GW, R_GW_LENGTH, item); break;
      case RECORD_ROUTE_SRC: setBytes(routes, row, R_SRC, R_SRC_LENGTH, item); break;
      // netlink.Scope is a uint8: wider values are cut (setRouteScope), the one place they enter.
      case RECORD_ROUTE_SCOPE: setRouteScope(row, item.u32("route scope")); break;
      case RECORD_ROUTE_FAMILY: setRouteFamily(row, item.u32("route family")); break;
      case RECORD_ROUTE_FLAGS: routes.set(row, R_FLAGS, <i32>item.u32("route flags")); break;
      case RECORD_ROUTE_MTU: routes.set(row, R_MTU, <i32>item.u32("route MTU")); break;
      case RECORD_ROUTE_PROTOCOL: routes.set(row, R_PROTOCOL, <i32>item.u32("route protocol")); break;
    }
  }
  appendRoute(chain, row);
}

function decodeDestination(row: i32, base: usize): void {
  // A destination that is present but has no IP is a non-nil IPNet with a nil IP.
  routes.set(row, R_DST, 0);
  routes.set(row, R_DST_LENGTH, 0);
  routes.set(row, R_DST_MASK_KIND, MASK_NIL);
  inner.reset(item.value, item.value + <usize>item.length, base, true);
  while (inner.next()) {
    if (inner.type == RECORD_IPNET_IP) setBytes(routes, row, R_DST, R_DST_LENGTH, inner);
    else if (inner.type == RECORD_IPNET_MASK) setMask(routes, row, R_DST_MASK_KIND, R_DST_MASK_A, R_DST_MASK_B, inner);
  }
}

function decodeNeigh(chain: i32, base: usize): void {
  const row = neighs.add();
  neighs.set(row, N_IP_LENGTH, NONE);
  neighs.set(row, N_LLADDR_LENGTH, NONE);
  item.reset(fields.value, fields.value + <usize>fields.length, base, true);
  while (item.next()) {
    switch (item.type) {
      case RECORD_NEIGH_IP: setBytes(neighs, row, N_IP, N_IP_LENGTH, item); break;
      case RECORD_NEIGH_LLADDR: setBytes(neighs, row, N_LLADDR, N_LLADDR_LENGTH, item); break;
      case RECORD_NEIGH_STATE: neighs.set(row, N_STATE, <i32>item.u32("neighbour state")); break;
      case RECORD_NEIGH_FLAGS: neighs.set(row, N_FLAGS, <i32>item.u32("neighbour flags")); break;
    }
  }
  appendNeighbour(chain, row);
}

function setBytes(table: Table, row: i32, offsetField: i32, lengthField: i32, reader: AttributeReader): void {
  table.set(row, offsetField, reader.offsetOfValue());
  table.set(row, lengthField, reader.length);
}

/** Raw mask bytes: a MASK_BYTES mask keeps its absolute pointer, read by text/ip.ts. */
function setMask(table: Table, row: i32, kindField: i32, pointerField: i32, lengthField: i32, reader: AttributeReader): void {
  table.set(row, kindField, MASK_BYTES);
  table.set(row, pointerField, <i32>reader.value);
  table.set(row, lengthField, reader.length);
}

export function isHintType(type: u16): bool {
  return type == KATANET_PCI_PATH || type == KATANET_BUS_INFO || type == KATANET_VHOST_USER || type == KATANET_CCW_DEVICE;
}

export { lastError };
