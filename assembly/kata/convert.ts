// generateVCNetworkStructures: each endpoint's Interface, then its routes and neighbours,
// written straight into the output as repeated-field elements (tag 1), which is at once
// an element of Interfaces/Routes/ARPNeighbors and, for an interface, a whole
// UpdateInterfaceRequest. Every rule of the conversion lives in this file.
import {
  addrs, A_IP, A_MASK_A, A_MASK_B, A_MASK_KIND, chains, C_ADDR_HEAD, C_ROUTE_HEAD, endpoints,
  E_HW, E_HW_IS_TEXT, E_KEY, E_MTU_HIGH, E_MTU_LOW, E_NAME, E_PCI, E_RAW_FLAGS, E_TYPE, findChain, inputBase,
  neighs, NONE, N_FLAGS, N_IP, N_LLADDR, N_PREPARED, N_STATE, prepared, routes, R_DST, R_DST_MASK_A, R_DST_MASK_B,
  R_DST_MASK_KIND, R_FAMILY_V6, R_FLAGS, R_GW, R_MTU, R_PREPARED, R_PROTOCOL, R_SCOPE, R_SRC,
} from "../model";
import { IFF_NOARP, NUD_PERMANENT, NUD_REACHABLE, RTPROT_KERNEL } from "../netlink/constants";
import { closeAt, intFieldAt, openAt, out, stringFieldAt, uintFieldAt, varintSize } from "../proto/writer";
import { fieldAt, setFieldAt } from "../memory/table";
import { writeDecimal } from "../text/digits";
import { ipAt, ipNetAt, isIPv4, isLoopback, maskOnes, writeIP } from "../text/ip";
import { macAt, writeMAC } from "../text/mac";
import { endpointTypeText } from "./endpoints";
import { writePciPath } from "./pcipath";
import { sameIPText } from "./gateways";

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
  const name = at(endpoints.get(endpoint, E_NAME));
  const nameLength = endpoints.get(endpoint, E_NAME + 1);
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
  const ip = at(addrs.get(addr, A_IP));
  const ipLength = addrs.get(addr, A_IP + 1);
  if (isLoopback(ip, ipLength)) return;
  const message = out.open(IFACE_ADDRESSES);
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
  const length = endpoints.get(endpoint, E_HW + 1);
  if (length <= 0) return;
  if (endpoints.get(endpoint, E_HW_IS_TEXT)) {
    out.stringField(IFACE_HWADDR, hw, length);
    return;
  }
  const field = out.open(IFACE_HWADDR);
  writeMAC(hw, length);
  out.close(field);
}

function writeDevicePath(endpoint: i32): void {
  const length = endpoints.get(endpoint, E_PCI + 1);
  if (length <= 0) return;
  const field = out.open(IFACE_DEVICE_PATH);
  writePciPath(at(endpoints.get(endpoint, E_PCI)), length);
  out.close(field);
}

function writeEndpointType(endpoint: i32): void {
  const length = endpoints.get(endpoint, E_TYPE + 1);
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
  return fieldAt(row, R_PROTOCOL) != RTPROT_KERNEL;
}

// Routes and neighbours are written in two steps. `prepare...` writes, as each one is
// decoded, the parts of its element that do not depend on its endpoint: the head (fields
// before the device) and the tail (after it), into `prepared` (see model.ts). `write...`
// then assembles the element for the endpoint: head, the endpoint's name as the device,
// tail. Writers keep the position in a local and return the next (see proto/writer.ts).

export function prepareRoute(route: i32): void {
  const row = routes.rowAt(route);
  const start = prepared.reserve(PARTS_PREFIX + routePartsBound(row));
  let pos = start + PARTS_PREFIX;
  const dstLength = fieldAt(row, R_DST + 1);
  if (dstLength != NONE) {
    const field = openAt(ROUTE_DEST, pos);
    pos = ipNetAt(
      at(fieldAt(row, R_DST)), dstLength,
      fieldAt(row, R_DST_MASK_KIND), fieldAt(row, R_DST_MASK_A), fieldAt(row, R_DST_MASK_B), field,
    );
    pos = closeAt(field, pos);
  }
  pos = optionalIPAt(ROUTE_GATEWAY, fieldAt(row, R_GW), fieldAt(row, R_GW + 1), pos);
  const head = pos;
  pos = optionalIPAt(ROUTE_SOURCE, fieldAt(row, R_SRC), fieldAt(row, R_SRC + 1), pos);
  const scope = fieldAt(row, R_SCOPE);
  pos = uintFieldAt(ROUTE_SCOPE, unsigned(scope & 0xff), pos);
  // utils.ConvertAddressFamily: only AF_INET6 is v6, whatever the addresses say.
  pos = intFieldAt(ROUTE_FAMILY, scope & R_FAMILY_V6 ? FAMILY_V6 : 0, pos);
  pos = uintFieldAt(ROUTE_FLAGS, unsigned(fieldAt(row, R_FLAGS)), pos);
  pos = uintFieldAt(ROUTE_MTU, unsigned(fieldAt(row, R_MTU)), pos);
  keepPrepared(row, R_PREPARED, start, head, pos);
}

export function writeRoute(row: usize, device: usize, deviceLength: i32, pos: usize): usize {
  return assembleAt(row, R_PREPARED, ROUTE_DEVICE, device, deviceLength, pos);
}

/** A non-nil IP is written even when empty: Go prints it as "<nil>". */
function optionalIPAt(field: u32, offset: i32, length: i32, pos: usize): usize {
  if (length == NONE) return pos;
  const text = openAt(field, pos);
  return closeAt(text, ipAt(at(offset), length, text));
}

// ---- neighbours ----

export function isGuestNeighbour(endpoint: i32, row: usize, rule: i32): bool {
  const state = fieldAt(row, N_STATE);
  if (rule == RULE_SEED) return state == NUD_PERMANENT;
  // preseed-gateway: a MAC is required; permanent entries, and reachable default gateways
  if (fieldAt(row, N_LLADDR + 1) == NONE) return false;
  if (state == NUD_PERMANENT) return true;
  return state == NUD_REACHABLE && isDefaultGateway(endpoint, row);
}

/** gatewaySetFromRoutes: gateways of the endpoint's routes with no or a zero-length destination. */
function isDefaultGateway(endpoint: i32, neigh: usize): bool {
  const chain = chainOf(endpoint);
  let route = chain == NONE ? NONE : chains.get(chain, C_ROUTE_HEAD);
  const ip = at(fieldAt(neigh, N_IP));
  const ipLength = fieldAt(neigh, N_IP + 1);
  while (route != NONE) {
    const gwLength = routes.get(route, R_GW + 1);
    const isDefault =
      routes.get(route, R_DST + 1) == NONE ||
      maskOnes(routes.get(route, R_DST_MASK_KIND), routes.get(route, R_DST_MASK_A), routes.get(route, R_DST_MASK_B)) == 0;
    if (gwLength != NONE && isDefault && sameIPText(ip, ipLength, at(routes.get(route, R_GW)), gwLength)) return true;
    route = routes.get(route, 0);
  }
  return false;
}

export function prepareNeighbour(neigh: i32): void {
  const row = neighs.rowAt(neigh);
  const start = prepared.reserve(PARTS_PREFIX + neighbourPartsBound(row));
  const ip = at(fieldAt(row, N_IP));
  const ipLength = fieldAt(row, N_IP + 1);
  const to = openAt(NEIGH_TO, start + PARTS_PREFIX);
  let pos = intFieldAt(ADDRESS_FAMILY, isIPv4(ip, ipLength) ? 0 : FAMILY_V6, to);
  const text = openAt(ADDRESS_TEXT, pos);
  pos = closeAt(text, ipAt(ip, ipLength, text));
  pos = closeAt(to, pos);
  const head = pos;
  const lladdrLength = fieldAt(row, N_LLADDR + 1);
  if (lladdrLength > 0) {
    const field = openAt(NEIGH_LLADDR, pos);
    pos = closeAt(field, macAt(at(fieldAt(row, N_LLADDR)), lladdrLength, field));
  }
  pos = intFieldAt(NEIGH_STATE, fieldAt(row, N_STATE), pos);
  pos = intFieldAt(NEIGH_FLAGS, fieldAt(row, N_FLAGS), pos);
  keepPrepared(row, N_PREPARED, start, head, pos);
}

export function writeNeighbour(row: usize, device: usize, deviceLength: i32, pos: usize): usize {
  return assembleAt(row, N_PREPARED, NEIGH_DEVICE, device, deviceLength, pos);
}

// A prepared entry: the head's and the tail's length, three bytes each (parts stay far
// below 16 MiB: attributes are under 64 KiB), then the head and the tail. Only the entry's
// offset goes in the row: a million routes keep their rows small.
const PARTS_PREFIX: usize = 6;

@inline function storeLength24(at: usize, length: i32): void {
  store<u16>(at, <u16>length);
  store<u8>(at, <u8>(length >> 16), 2);
}

@inline function loadLength24(at: usize): i32 {
  return <i32>load<u16>(at) | (<i32>load<u8>(at, 2) << 16);
}

/** Records a prepared element (written from `start + PARTS_PREFIX` to `end`, head up to `head`). */
@inline function keepPrepared(row: usize, field: i32, start: usize, head: usize, end: usize): void {
  storeLength24(start, <i32>(head - start - PARTS_PREFIX));
  storeLength24(start + 3, <i32>(end - head));
  setFieldAt(row, field, prepared.commit(start, end));
}

@inline function headLength(row: usize, field: i32): i32 {
  return loadLength24(prepared.at(fieldAt(row, field)));
}

@inline function tailLength(row: usize, field: i32): i32 {
  return loadLength24(prepared.at(fieldAt(row, field)) + 3);
}

/** One element: the prepared head, the device, the prepared tail. */
@inline function assembleAt(row: usize, field: i32, deviceField: u32, device: usize, deviceLength: i32, pos: usize): usize {
  const entry = prepared.at(fieldAt(row, field));
  const head = loadLength24(entry);
  const tail = loadLength24(entry + 3);
  const parts = entry + PARTS_PREFIX;
  const element = openAt(ELEMENT, pos);
  pos = copyPreparedAt(parts, head, element);
  pos = stringFieldAt(deviceField, device, deviceLength, pos);
  pos = copyPreparedAt(parts + <usize>head, tail, pos);
  return closeAt(element, pos);
}

/**
 * Copies prepared bytes eight at a time: parts are a few dozen bytes, where a bulk copy
 * costs a call. It may read and write up to seven bytes past the end; `prepared` keeps
 * that much room after its last entry, and element bounds leave it in the output.
 */
@inline function copyPreparedAt(from: usize, length: i32, pos: usize): usize {
  for (let i: usize = 0; i < <usize>length; i += 8) store<u64>(pos + i, load<u64>(from + i));
  return pos + <usize>length;
}

// ---- room needed ----
// Upper bounds of an element's encoded size, so a write never runs past the output.

@inline function ipTextBound(length: i32): i32 {
  return max(45, 1 + 2 * length); // IPv6 text, or "?" and hex for odd lengths
}

export function interfaceBound(endpoint: i32): i32 {
  let bound = 96 + 2 * endpoints.get(endpoint, E_NAME + 1) + endpoints.get(endpoint, E_TYPE + 1);
  bound += 3 * endpoints.get(endpoint, E_HW + 1) + 3 * max(0, endpoints.get(endpoint, E_PCI + 1));
  const chain = chainOf(endpoint);
  let addr = chain == NONE ? NONE : chains.get(chain, C_ADDR_HEAD);
  while (addr != NONE) {
    bound += 32 + ipTextBound(addrs.get(addr, A_IP + 1));
    addr = addrs.get(addr, 0);
  }
  return bound;
}

/** The route's element without its device. */
function routePartsBound(row: usize): i32 {
  return (
    80 + ipTextBound(fieldAt(row, R_DST + 1)) + 2 * max(0, fieldAt(row, R_DST_MASK_B)) +
    ipTextBound(fieldAt(row, R_GW + 1)) + ipTextBound(fieldAt(row, R_SRC + 1))
  );
}

function neighbourPartsBound(row: usize): i32 {
  return 80 + ipTextBound(fieldAt(row, N_IP + 1)) + 3 * max(0, fieldAt(row, N_LLADDR + 1));
}

/** The exact size of a route's or neighbour's element (prepared parts at `field` of its row) with its device. */
export function elementSize(row: usize, field: i32, deviceLength: i32): i32 {
  const device = deviceLength > 0 ? 1 + <i32>varintSize(<u64>deviceLength) + deviceLength : 0;
  const length = headLength(row, field) + device + tailLength(row, field);
  return 1 + <i32>varintSize(<u64>length) + length;
}

/** Room to write it: prepared parts are copied eight bytes at a time (see copyPreparedAt). */
export function elementBound(row: usize, field: i32, deviceLength: i32): i32 {
  return elementSize(row, field, deviceLength) + 8;
}
