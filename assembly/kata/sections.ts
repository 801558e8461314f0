// Resumable output: the elements of one section at a time (interfaces, routes, or the
// neighbours of one rule), as many whole elements as fit in the caller's window. A cursor
// per section remembers where the next call goes on.
import { ERR_OUTPUT_TOO_SMALL, ERR_USAGE } from "../errors";
import {
  chains, C_NEIGH_HEAD, C_NEIGH_RUN, C_NEIGH_RUN_END, C_ROUTE_HEAD, C_ROUTE_RUN, C_ROUTE_RUN_END, endpoints, neighs, NONE,
  NO_RUN, prepared, routes, endpointName, endpointNameLength,
} from "../model";
import { fieldAt } from "../memory/table";
import { out, writtenFieldSize } from "../proto/writer";
import {
  chainOf, elementBound, interfaceBound, isGuestNeighbour, isGuestRoute, preparedField, preparedForEndpoint,
  RULE_PRESEED_GATEWAY, RULE_SEED, unpreparedSize, writeElementAt, writeInterface,
} from "./convert";

export const SECTION_INTERFACES = 0;
export const SECTION_ROUTES = 1;
export const SECTION_NEIGHBOURS_SEED = 2;
export const SECTION_NEIGHBOURS_PRESEED_GATEWAY = 3;
const SECTIONS = 4;

/** The neighbour rule a neighbour section lists under; -1 for any other section. */
export function neighbourRuleOf(section: i32): i32 {
  if (section == SECTION_NEIGHBOURS_SEED) return RULE_SEED;
  return section == SECTION_NEIGHBOURS_PRESEED_GATEWAY ? RULE_PRESEED_GATEWAY : -1;
}

const NOT_STARTED: i32 = -2; // the item cursor before an endpoint's chain is entered

const cursorEndpoint = new StaticArray<i32>(SECTIONS);
const cursorItem = new StaticArray<i32>(SECTIONS);
export let neededCapacity: i32 = 0;

export function rewindSections(): void {
  for (let s = 0; s < SECTIONS; s++) {
    cursorEndpoint[s] = 0;
    cursorItem[s] = NOT_STARTED;
  }
}

export function emit(section: i32, outPtr: usize, capacity: i32): i32 {
  if (section < 0 || section >= SECTIONS || capacity < 0) return ERR_USAGE;
  out.pos = outPtr;
  const limit = outPtr + <usize>capacity;
  if (section == SECTION_INTERFACES) return emitInterfaces(outPtr, limit);
  const isRoutes = section == SECTION_ROUTES;
  const rule = neighbourRuleOf(section);
  let pos = outPtr;
  const table = isRoutes ? routes : neighs;
  const firstRow = table.rowAt(0);
  const rowBytes = <usize>table.stride << 2;
  while (cursorEndpoint[section] < endpoints.rows) {
    const endpoint = cursorEndpoint[section];
    let item = cursorItem[section];
    if (item == NOT_STARTED) {
      if (findRun(endpoint, section) && pos + runLength <= limit) {
        pos = copied(runFrom, runLength, pos);
        cursorEndpoint[section] = endpoint + 1;
        continue;
      }
      item = firstItem(endpoint, isRoutes);
    }
    const usePrepared = preparedForEndpoint(endpoint);
    const device = endpointName(endpoint);
    const deviceLength = endpointNameLength(endpoint);
    // Prepared elements that lie one after another in the log (a link's routes in dump
    // order, mostly) are copied in one go: `pending` bytes from `from`, not yet at `pos`.
    const log = prepared.at(0);
    let from: usize = 0;
    let pending: usize = 0;
    while (item != NONE) {
      const row = firstRow + <usize>item * rowBytes;
      if (isListed(endpoint, row, isRoutes, rule)) {
        const entry = usePrepared ? fieldAt(row, preparedField(isRoutes)) : NONE;
        const element = log + <usize>entry;
        const size = entry != NONE ? writtenFieldSize(element) : elementBound(row, isRoutes, deviceLength);
        if (pos + pending + <usize>size > limit) {
          cursorItem[section] = item;
          return full(outPtr, copied(from, pending, pos), size);
        }
        if (entry == NONE) {
          pos = writeElementAt(row, isRoutes, device, deviceLength, copied(from, pending, pos));
          pending = 0;
        } else if (element == from + pending) {
          pending += <usize>size;
        } else {
          pos = copied(from, pending, pos);
          from = element;
          pending = <usize>size;
        }
      }
      item = fieldAt(row, 0);
    }
    pos = copied(from, pending, pos);
    cursorEndpoint[section] = endpoint + 1;
    cursorItem[section] = NOT_STARTED;
  }
  return <i32>(pos - outPtr);
}

@inline function copied(from: usize, length: usize, pos: usize): usize {
  memory.copy(pos, from, length);
  return pos + length;
}

/**
 * The exact length of a route or neighbour section, so the host can copy it once into a
 * buffer of its final size; -1 for the interface section, which is written whole.
 */
export function listLength(section: i32): f64 {
  if (section <= SECTION_INTERFACES || section >= SECTIONS) return -1;
  const isRoutes = section == SECTION_ROUTES;
  const rule = neighbourRuleOf(section);
  let length: f64 = 0;
  const table = isRoutes ? routes : neighs;
  const firstRow = table.rowAt(0);
  const rowBytes = <usize>table.stride << 2;
  for (let endpoint = 0; endpoint < endpoints.rows; endpoint++) {
    if (findRun(endpoint, section)) {
      length += <f64>runLength;
      continue;
    }
    const usePrepared = preparedForEndpoint(endpoint);
    const device = endpointName(endpoint);
    const deviceLength = endpointNameLength(endpoint);
    for (let item = firstItem(endpoint, isRoutes); item != NONE; ) {
      const row = firstRow + <usize>item * rowBytes;
      if (isListed(endpoint, row, isRoutes, rule)) {
        const entry = usePrepared ? fieldAt(row, preparedField(isRoutes)) : NONE;
        length += entry != NONE ? writtenFieldSize(prepared.at(entry)) : unpreparedSize(row, isRoutes, device, deviceLength);
      }
      item = fieldAt(row, 0);
    }
  }
  return length;
}

let runFrom: usize = 0;
let runLength: usize = 0;

/**
 * Whether the prepared elements the endpoint lists in `section` lie one after another in
 * the log (its chain's run, see extendRun in kata/convert.ts), at `runFrom`, `runLength`
 * bytes: they are then copied without visiting their rows. Never under preseed-gateway,
 * whose choice depends on the endpoint's routes.
 */
function findRun(endpoint: i32, section: i32): bool {
  if (section == SECTION_NEIGHBOURS_PRESEED_GATEWAY || !preparedForEndpoint(endpoint)) return false;
  const chain = chainOf(endpoint);
  const isRoutes = section == SECTION_ROUTES;
  const start = chains.get(chain, isRoutes ? C_ROUTE_RUN : C_NEIGH_RUN);
  if (start == NO_RUN) return false;
  const listsAny = start != NONE;
  runFrom = listsAny ? prepared.at(start) : 0;
  runLength = listsAny ? <usize>(chains.get(chain, isRoutes ? C_ROUTE_RUN_END : C_NEIGH_RUN_END) - start) : 0;
  return true;
}

/** The first route or neighbour on the endpoint's chain. */
function firstItem(endpoint: i32, isRoutes: bool): i32 {
  const chain = chainOf(endpoint);
  return chain == NONE ? NONE : chains.get(chain, isRoutes ? C_ROUTE_HEAD : C_NEIGH_HEAD);
}

/** Whether Kata sends this route or neighbour (under `rule`) to the guest. */
@inline function isListed(endpoint: i32, row: usize, isRoutes: bool, rule: i32): bool {
  return isRoutes ? isGuestRoute(row) : isGuestNeighbour(endpoint, row, rule);
}

function emitInterfaces(outPtr: usize, limit: usize): i32 {
  const section = SECTION_INTERFACES;
  while (cursorEndpoint[section] < endpoints.rows) {
    const endpoint = cursorEndpoint[section];
    const bound = interfaceBound(endpoint);
    if (out.pos + <usize>bound > limit) return full(outPtr, out.pos, bound);
    writeInterface(endpoint);
    cursorEndpoint[section] = endpoint + 1;
  }
  return <i32>(out.pos - outPtr);
}

/** What was written so far (up to `pos`); or, when not even one element fitted, a request for more room. */
function full(outPtr: usize, pos: usize, bound: i32): i32 {
  if (pos > outPtr) return <i32>(pos - outPtr);
  neededCapacity = bound;
  return ERR_OUTPUT_TOO_SMALL;
}

