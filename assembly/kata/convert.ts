// generateVCNetworkStructures: each endpoint's Interface, then its routes and neighbours,
// written straight into the output as repeated-field elements (tag 1), which is at once
// an element of Interfaces/Routes/ARPNeighbors and, for an interface, a whole
// UpdateInterfaceRequest. Every rule of the conversion lives in this file.
import {
  addrs, A_IP, A_IP_LENGTH, A_MASK_A, A_MASK_B, A_MASK_KIND, chains, C_ADDR_HEAD, C_NEIGH_HEAD, C_NEIGH_RUN, C_NEIGH_RUN_END,
  C_NEIGH_TAIL, C_ROUTE_HEAD, C_ROUTE_RUN, C_ROUTE_RUN_END, C_ROUTE_TAIL, endpoints, E_CCW, E_HW, E_HW_LENGTH, E_HW_IS_TEXT,
  E_KEY, E_MTU_HIGH, E_MTU_LOW, E_PCI, E_PCI_LENGTH, E_RAW_FLAGS, E_TYPE, E_TYPE_LENGTH, findChain, inputBase, neighs, NONE,
  NO_RUN, N_FLAGS, N_IP, N_IP_LENGTH, N_LLADDR, N_LLADDR_LENGTH, N_PREPARED, N_STATE, prepared, routes, R_DST, R_DST_LENGTH,
  R_DST_MASK_A, R_DST_MASK_B, R_DST_MASK_KIND, R_FAMILY_V6, R_FLAGS, R_GW, R_GW_LENGTH, R_MTU, R_PREPARED, R_PROTOCOL, R_SCOPE,
  R_SRC, R_SRC_LENGTH, chainDevice, chainDeviceLength, endpointName, endpointNameLength,
} from "../model";
import { IFF_NOARP, NUD_PERMANENT, NUD_REACHABLE, RTPROT_KERNEL } from "../netlink/constants";
import { closeAt, intFieldAt, openAt, out, stringFieldAt, uintFieldAt } from "../proto/writer";
import { fieldAt, setFieldAt } from "../memory/table";
import { writeDecimal } from "../text/digits";
import { ipAt, ipNetAt, isIPv4, isLoopback, maskOnes, writeIP } from "../text/ip";
import { macAt, writeMAC } from "../text/mac";
import { endpointTypeText } from "./endpoints";
import { writePciPath } from "./pcipath";
import { CCW_DEVICE_TEXT_MAX, writeCcwDevice } from "./ccw";
import { sameIPText } from "./gateways";
import { bytesEqual } from "../text/compare";
import {
  ADDRESS_LOOPBACK, NEIGH_NOT_GATEWAY, NEIGH_NOT_PERMANENT, NEIGH_NO_LLADDR, ROUTE_KERNEL_PROTOCOL, SENT,
} from "./reasons";

export const RULE_SEED = 0;
export const RULE_PRESEED_GATEWAY = 1;

const ELEMENT: u32 = 1; // the repeated field of every list message, and UpdateInterfaceRequest.interface

const IFACE_DEVICE: u32 = 1;
const IFACE_NAME: u32 = 2;
const IFACE_ADDRESSES: u32 = 3;
const IFACE_MTU: u32 = 4;
const IFACE_HWADDR: u32 = 5;
const IFACE_DEVICE_PATH: u32 = 6;
const IFACE_TYPE: u32 = 7;
const IFACE_RAW_FLAGS: u32 = 8;

const ADDRESS_FAMILY: u32 = 1;
const ADDRESS_TEXT: u32 = 2;
const ADDRESS_MASK: u32 = 3;

const ROUTE_DEST: u32 = 1;
const ROUTE_GATEWAY: u32 = 2;
const ROUTE_DEVICE: u32 = 3;
const ROUTE_SOURCE: u32 = 4;
const ROUTE_SCOPE: u32 = 5;
const ROUTE_FAMILY: u32 = 6;
const ROUTE_FLAGS: u32 = 7;
const ROUTE_MTU: u32 = 8;

const NEIGH_TO: u32 = 1;
const NEIGH_DEVICE: u32 = 2;
const NEIGH_LLADDR: u32 = 3;
const NEIGH_STATE: u32 = 4;
const NEIGH_FLAGS: u32 = 5;

const FAMILY_V6: i32 = 1; // types.IPFamily v6; v4 is 0 and left out

/** A table word as the uint32 it holds: Go's uint32(x) conversions. */
@inline function unsigned(word: i32): u64 {
  return <u64>word & 0xffffffff;
}

@inline function at(offset: i32): usize {
  return inputBase + <usize>offset;
}

export function chainOf(endpoint: i32): i32 {
  return findChain(endpoints.get(endpoint, E_KEY));
}

// ---- interfaces ----

export function writeInterface(endpoint: i32): void {
  const element = out.open(ELEMENT);
  const name = endpointName(endpoint);
  const nameLength = endpointNameLength(endpoint);
  out.stringField(IFACE_DEVICE, name, nameLength);
  out.stringField(IFACE_NAME, name, nameLength);
  const chain = chainOf(endpoint);
  let addr = chain == NONE ? NONE : chains.get(chain, C_ADDR_HEAD);
  while (addr != NONE) {
    writeAddress(addr);
    addr = addrs.get(addr, 0);
  }
  out.uintField(IFACE_MTU, (unsigned(endpoints.get(endpoint, E_MTU_HIGH)) << 32) | unsigned(endpoints.get(endpoint, E_MTU_LOW)));
  writeHardwareAddress(endpoint);
  writeDevicePath(endpoint);
  writeEndpointType(endpoint);
  out.uintField(IFACE_RAW_FLAGS, unsigned(endpoints.get(endpoint, E_RAW_FLAGS)) & IFF_NOARP);
  out.close(element);
}

function writeAddress(addr: i32): void {
  if (addressVerdict(addr) == SENT) writeAddressField(IFACE_ADDRESSES, addr);
}

/** Interface.IPAddresses leaves loopback addresses out. */
export function addressVerdict(addr: i32): u8 {
  return isLoopback(at(addrs.get(addr, A_IP)), addrs.get(addr, A_IP_LENGTH)) ? ADDRESS_LOOPBACK : SENT;
}

/** An IPAddress message as field `field` (of an Interface, or an element on its own). */
export function writeAddressField(field: u32, addr: i32): void {
  const ip = at(addrs.get(addr, A_IP));
  const ipLength = addrs.get(addr, A_IP_LENGTH);
  const message = out.open(field);
  out.intField(ADDRESS_FAMILY, isIPv4(ip, ipLength) ? 0 : FAMILY_V6);
  const text = out.open(ADDRESS_TEXT);
  writeIP(ip, ipLength);
  out.close(text);
  const mask = out.open(ADDRESS_MASK);
  writeDecimal(<u64>maskOnes(addrs.get(addr, A_MASK_KIND), addrs.get(addr, A_MASK_A), addrs.get(addr, A_MASK_B)));
  out.close(mask);
  out.close(message);
}

function writeHardwareAddress(endpoint: i32): void {
  const hw = at(endpoints.get(endpoint, E_HW));
  const length = endpoints.get(endpoint, E_HW_LENGTH);
  if (length <= 0) return;
  if (endpoints.get(endpoint, E_HW_IS_TEXT)) {
    out.stringField(IFACE_HWADDR, hw, length);
    return;
  }
  const field = out.open(IFACE_HWADDR);
  writeMAC(hw, length);
  out.close(field);
}

let s390x = false;

/** On s390x Kata sends the endpoint's CCW device as its device path, or none, whatever its PCI path. */
export function setS390x(on: bool): void {
  s390x = on;
}

function writeDevicePath(endpoint: i32): void {
  const length = endpoints.get(endpoint, (s390x ? E_CCW : E_PCI) + 1);
  if (length <= 0) return;
  const field = out.open(IFACE_DEVICE_PATH);
  if (s390x) writeCcwDevice(endpoint);
  else writePciPath(at(endpoints.get(endpoint, E_PCI)), length);
  out.close(field);
}

function writeEndpointType(endpoint: i32): void {
  const length = endpoints.get(endpoint, E_TYPE_LENGTH);
  if (length != NONE) {
    out.stringField(IFACE_TYPE, at(endpoints.get(endpoint, E_TYPE)), length);
    return;
  }
  const text = endpointTypeText(endpoints.get(endpoint, E_TYPE));
  const field = out.open(IFACE_TYPE);
  for (let i = 0; i < text.length; i++) out.byte(text.charCodeAt(i));
  out.close(field);
}

// ---- routes ----

/** validGuestRoute: everything but what the kernel added itself. */
@inline export function isGuestRoute(row: usize): bool {
  return routeVerdict(row) == SENT;
}

@inline export function routeVerdict(row: usize): u8 {
  return fieldAt(row, R_PROTOCOL) == RTPROT_KERNEL ? ROUTE_KERNEL_PROTOCOL : SENT;
}

// A route or neighbour is written as a whole list element as soon as it is decoded, with its
// chain's name as the device, into `prepared` (see model.ts); output copies it from there.
// One written before its chain had a name, or listed under an endpoint that goes by
// another name, is written at output instead, by the same writer.

export function writeRouteAt(row: usize, device: usize, deviceLength: i32, pos: usize): usize {
  const element = openAt(ELEMENT, pos);
  pos = element;
  const dstLength = fieldAt(row, R_DST_LENGTH);
  if (dstLength != NONE) {
    const field = openAt(ROUTE_DEST, pos);
    pos = ipNetAt(
      at(fieldAt(row, R_DST)), dstLength,
      fieldAt(row, R_DST_MASK_KIND), fieldAt(row, R_DST_MASK_A), fieldAt(row, R_DST_MASK_B), field,
    );
    pos = closeAt(field, pos);
  }
  pos = optionalIPAt(ROUTE_GATEWAY, fieldAt(row, R_GW), fieldAt(row, R_GW_LENGTH), pos);
  pos = stringFieldAt(ROUTE_DEVICE, device, deviceLength, pos);
  pos = optionalIPAt(ROUTE_SOURCE, fieldAt(row, R_SRC), fieldAt(row, R_SRC_LENGTH), pos);
  const scope = fieldAt(row, R_SCOPE);
  pos = uintFieldAt(ROUTE_SCOPE, unsigned(scope & 0xff), pos);
  // utils.ConvertAddressFamily: only AF_INET6 is v6, whatever the addresses say.
  pos = intFieldAt(ROUTE_FAMILY, scope & R_FAMILY_V6 ? FAMILY_V6 : 0, pos);
  pos = uintFieldAt(ROUTE_FLAGS, unsigned(fieldAt(row, R_FLAGS)), pos);
  pos = uintFieldAt(ROUTE_MTU, unsigned(fieldAt(row, R_MTU)), pos);
  return closeAt(element, pos);
}

/** A non-nil IP is written even when empty: Go prints it as "<nil>". */
function optionalIPAt(field: u32, offset: i32, length: i32, pos: usize): usize {
  if (length == NONE) return pos;
  const text = openAt(field, pos);
  return closeAt(text, ipAt(at(offset), length, text));
}

// ---- neighbours ----

export function isGuestNeighbour(endpoint: i32, row: usize, rule: i32): bool {
  return neighbourVerdict(endpoint, row, rule) == SENT;
}

/** SENT, or why the neighbour is left out under `rule`. */
export function neighbourVerdict(endpoint: i32, row: usize, rule: i32): u8 {
  if (rule == RULE_SEED) return isSeedNeighbour(row) ? SENT : NEIGH_NOT_PERMANENT;
  // preseed-gateway: permanent entries, and reachable default gateways, with a MAC
  if (fieldAt(row, N_LLADDR_LENGTH) == NONE) return NEIGH_NO_LLADDR;
  if (!mayBePreseeded(row)) return NEIGH_NOT_PERMANENT;
  return fieldAt(row, N_STATE) == NUD_PERMANENT || isDefaultGateway(endpoint, row) ? SENT : NEIGH_NOT_GATEWAY;
}

/** The seed rule: permanent entries. */
@inline function isSeedNeighbour(row: usize): bool {
  return fieldAt(row, N_STATE) == NUD_PERMANENT;
}

/** What preseed-gateway can list before it looks at routes: permanent or reachable entries with a MAC. */
@inline function mayBePreseeded(row: usize): bool {
  const state = fieldAt(row, N_STATE);
  return fieldAt(row, N_LLADDR_LENGTH) != NONE && (state == NUD_PERMANENT || state == NUD_REACHABLE);
}

/** gatewaySetFromRoutes: gateways of the endpoint's routes with no or a zero-length destination. */
function isDefaultGateway(endpoint: i32, neigh: usize): bool {
  const chain = chainOf(endpoint);
  let route = chain == NONE ? NONE : chains.get(chain, C_ROUTE_HEAD);
  const ip = at(fieldAt(neigh, N_IP));
  const ipLength = fieldAt(neigh, N_IP_LENGTH);
  while (route != NONE) {
    const gwLength = routes.get(route, R_GW_LENGTH);
    const isDefault =
      routes.get(route, R_DST_LENGTH) == NONE ||
      maskOnes(routes.get(route, R_DST_MASK_KIND), routes.get(route, R_DST_MASK_A), routes.get(route, R_DST_MASK_B)) == 0;
    if (gwLength != NONE && isDefault && sameIPText(ip, ipLength, at(routes.get(route, R_GW)), gwLength)) return true;
    route = routes.get(route, 0);
  }
  return false;
}

export function writeNeighbourAt(row: usize, device: usize, deviceLength: i32, pos: usize): usize {
  const element = openAt(ELEMENT, pos);
  const ip = at(fieldAt(row, N_IP));
  const ipLength = fieldAt(row, N_IP_LENGTH);
  const to = openAt(NEIGH_TO, element);
  pos = intFieldAt(ADDRESS_FAMILY, isIPv4(ip, ipLength) ? 0 : FAMILY_V6, to);
  const text = openAt(ADDRESS_TEXT, pos);
  pos = closeAt(text, ipAt(ip, ipLength, text));
  pos = closeAt(to, pos);
  pos = stringFieldAt(NEIGH_DEVICE, device, deviceLength, pos);
  const lladdrLength = fieldAt(row, N_LLADDR_LENGTH);
  if (lladdrLength > 0) {
    const field = openAt(NEIGH_LLADDR, pos);
    pos = closeAt(field, macAt(at(fieldAt(row, N_LLADDR)), lladdrLength, field));
  }
  pos = intFieldAt(NEIGH_STATE, fieldAt(row, N_STATE), pos);
  pos = intFieldAt(NEIGH_FLAGS, fieldAt(row, N_FLAGS), pos);
  return closeAt(element, pos);
}

// ---- prepared elements ----

/** The element of a route (`isRoute`) or neighbour row, at `device`. */
export function writeElementAt(row: usize, isRoute: bool, device: usize, deviceLength: i32, pos: usize): usize {
  return isRoute ? writeRouteAt(row, device, deviceLength, pos) : writeNeighbourAt(row, device, deviceLength, pos);
}

/** Where a row keeps the offset of its prepared element (NONE: not prepared). */
@inline export function preparedField(isRoute: bool): i32 {
  return isRoute ? R_PREPARED : N_PREPARED;
}

/** Prepares the route `decodeRoute` just added to `chain` (its tail); NONE: none was added. */
export function prepareLastRoute(chain: i32): void {
  if (chain != NONE) prepareRow(routes.rowAt(chains.get(chain, C_ROUTE_TAIL)), true, chain);
}

export function prepareLastNeighbour(chain: i32): void {
  if (chain != NONE) prepareRow(neighs.rowAt(chains.get(chain, C_NEIGH_TAIL)), false, chain);
}

/** Prepares every route and neighbour of a chain (a hand-described endpoint's). */
export function prepareChain(chain: i32): void {
  for (let route = chains.get(chain, C_ROUTE_HEAD); route != NONE; route = routes.get(route, 0)) {
    prepareRow(routes.rowAt(route), true, chain);
  }
  for (let neigh = chains.get(chain, C_NEIGH_HEAD); neigh != NONE; neigh = neighs.get(neigh, 0)) {
    prepareRow(neighs.rowAt(neigh), false, chain);
  }
}

/** Only what some rule may list is prepared: the kernel's own routes, for one, never are. */
function prepareRow(row: usize, isRoute: bool, chain: i32): void {
  const inRun = isRoute ? isGuestRoute(row) : isSeedNeighbour(row);
  const deviceLength = chainDeviceLength(chain);
  let entry = NONE;
  let end = NONE;
  if (deviceLength != NONE && (inRun || (!isRoute && mayBePreseeded(row)))) {
    const start = prepared.reserve(elementBound(row, isRoute, deviceLength));
    const written = writeElementAt(row, isRoute, chainDevice(chain), deviceLength, start);
    entry = prepared.commit(start, written);
    end = entry + <i32>(written - start);
  }
  setFieldAt(row, preparedField(isRoute), entry);
  if (inRun) {
    extendRun(chain, isRoute ? C_ROUTE_RUN : C_NEIGH_RUN, isRoute ? C_ROUTE_RUN_END : C_NEIGH_RUN_END, entry, end);
  }
}

/**
 * Adds an element the chain lists (routes; neighbours under the seed rule) to its run, the
 * span of the log output copies without visiting rows, while the elements follow one
 * another there: a link's routes in dump order do, unless other links' routes interleave.
 */
function extendRun(chain: i32, startField: i32, endField: i32, entry: i32, end: i32): void {
  const start = chains.get(chain, startField);
  if (start == NO_RUN) return;
  if (entry != NONE && (start == NONE || chains.get(chain, endField) == entry)) {
    if (start == NONE) chains.set(chain, startField, entry);
    chains.set(chain, endField, end);
  } else {
    chains.set(chain, startField, NO_RUN); // not prepared, or apart from the rest
  }
}

/** Whether the elements prepared on the endpoint's chain carry its name (see nameChain). */
export function preparedForEndpoint(endpoint: i32): bool {
  const chain = chainOf(endpoint);
  if (chain == NONE) return false;
  const length = chainDeviceLength(chain);
  return length != NONE && bytesEqual(
    chainDevice(chain), length, endpointName(endpoint), endpointNameLength(endpoint),
  );
}

/** The exact size of an element not prepared for this device: written where the next
 * prepared element would go, and not kept. */
export function unpreparedSize(row: usize, isRoute: bool, device: usize, deviceLength: i32): i32 {
  const scratch = prepared.reserve(elementBound(row, isRoute, deviceLength));
  return <i32>(writeElementAt(row, isRoute, device, deviceLength, scratch) - scratch);
}

// ---- room needed ----
// Upper bounds of an element's encoded size, so a write never runs past the output.

@inline export function ipTextBound(length: i32): i32 {
  return max(45, 1 + 2 * length); // IPv6 text, or "?" and hex for odd lengths
}

export function interfaceBound(endpoint: i32): i32 {
  let bound = 96 + 2 * endpointNameLength(endpoint) + endpoints.get(endpoint, E_TYPE_LENGTH);
  bound += 3 * endpoints.get(endpoint, E_HW_LENGTH) + 3 * max(0, endpoints.get(endpoint, E_PCI_LENGTH)) + CCW_DEVICE_TEXT_MAX;
  const chain = chainOf(endpoint);
  let addr = chain == NONE ? NONE : chains.get(chain, C_ADDR_HEAD);
  while (addr != NONE) {
    bound += 32 + ipTextBound(addrs.get(addr, A_IP_LENGTH));
    addr = addrs.get(addr, 0);
  }
  return bound;
}

/** A route's fields but its device. */
function routePartsBound(row: usize): i32 {
  return (
    80 + ipTextBound(fieldAt(row, R_DST_LENGTH)) + 2 * max(0, fieldAt(row, R_DST_MASK_B)) +
    ipTextBound(fieldAt(row, R_GW_LENGTH)) + ipTextBound(fieldAt(row, R_SRC_LENGTH))
  );
}

function neighbourPartsBound(row: usize): i32 {
  return 80 + ipTextBound(fieldAt(row, N_IP_LENGTH)) + 3 * max(0, fieldAt(row, N_LLADDR_LENGTH));
}

/** Room to write a route's or neighbour's element with a device of `deviceLength` bytes. */
export function elementBound(row: usize, isRoute: bool, deviceLength: i32): i32 {
  const parts = isRoute ? routePartsBound(row) : neighbourPartsBound(row);
  return parts + deviceLength + 16; // plus the device's and the element's tags and lengths
}
