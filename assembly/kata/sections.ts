// Resumable output: the elements of one section at a time (interfaces, routes, or the
// neighbours of one rule), as many whole elements as fit in the caller's window. A cursor
// per section remembers where the next call goes on.
import { ERR_OUTPUT_TOO_SMALL, ERR_USAGE } from "../errors";
import { chains, C_NEIGH_HEAD, C_ROUTE_HEAD, endpoints, E_NAME, inputBase, neighs, NONE, prepared, routes } from "../model";
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
  const rule = section == SECTION_NEIGHBOURS_SEED ? RULE_SEED : RULE_PRESEED_GATEWAY;
  run.start(outPtr);
  while (cursorEndpoint[section] < endpoints.rows) {
    const endpoint = cursorEndpoint[section];
    let item = cursorItem[section];
    if (item == NOT_STARTED) item = firstItem(endpoint, isRoutes);
    const usePrepared = preparedForEndpoint(endpoint);
    const device = inputBase + <usize>endpoints.get(endpoint, E_NAME);
    const deviceLength = endpoints.get(endpoint, E_NAME + 1);
    while (item != NONE) {
      const row = rowOf(item, isRoutes);
      if (isListed(endpoint, row, isRoutes, rule)) {
        const entry = usePrepared ? fieldAt(row, preparedField(isRoutes)) : NONE;
        const bound = entry != NONE ? writtenFieldSize(prepared.at(entry)) : elementBound(row, isRoutes, deviceLength);
        if (run.end() + <usize>bound > limit) {
          cursorItem[section] = item;
          return full(outPtr, run.flush(), bound);
        }
        if (entry != NONE) run.add(prepared.at(entry), bound);
        else run.write(row, isRoutes, device, deviceLength);
      }
      item = fieldAt(row, 0);
    }
    cursorEndpoint[section] = endpoint + 1;
    cursorItem[section] = NOT_STARTED;
  }
  return <i32>(run.flush() - outPtr);
}

/**
 * Output gathered from the prepared log: elements that lie one after another there (a
 * link's routes in dump order, mostly) are copied in one go.
 */
class PreparedRun {
  private pos: usize = 0;
  private from: usize = 0;
  private length: usize = 0;

  start(pos: usize): void {
    this.pos = pos;
    this.length = 0;
  }

  /** Where the output will have got to once the pending copy is made. */
  @inline end(): usize {
    return this.pos + this.length;
  }

  @inline add(element: usize, size: i32): void {
    if (element != this.from + this.length) {
      this.flush();
      this.from = element;
    }
    this.length += <usize>size;
  }

  /** An element that was not prepared for this endpoint's name, written here. */
  write(row: usize, isRoute: bool, device: usize, deviceLength: i32): void {
    this.pos = writeElementAt(row, isRoute, device, deviceLength, this.flush());
  }

  /** Makes the pending copy; returns where the output has got to. */
  flush(): usize {
    memory.copy(this.pos, this.from, this.length);
    this.pos += this.length;
    this.length = 0;
    return this.pos;
  }
}

const run = new PreparedRun();

/**
 * The exact length of a route or neighbour section, so the host can copy it once into a
 * buffer of its final size; -1 for the interface section, which is written whole.
 */
export function listLength(section: i32): f64 {
  if (section <= SECTION_INTERFACES || section >= SECTIONS) return -1;
  const isRoutes = section == SECTION_ROUTES;
  const rule = section == SECTION_NEIGHBOURS_SEED ? RULE_SEED : RULE_PRESEED_GATEWAY;
  let length: f64 = 0;
  for (let endpoint = 0; endpoint < endpoints.rows; endpoint++) {
    const usePrepared = preparedForEndpoint(endpoint);
    const device = inputBase + <usize>endpoints.get(endpoint, E_NAME);
    const deviceLength = endpoints.get(endpoint, E_NAME + 1);
    for (let item = firstItem(endpoint, isRoutes); item != NONE; ) {
      const row = rowOf(item, isRoutes);
      if (isListed(endpoint, row, isRoutes, rule)) {
        const entry = usePrepared ? fieldAt(row, preparedField(isRoutes)) : NONE;
        length += entry != NONE ? writtenFieldSize(prepared.at(entry)) : unpreparedSize(row, isRoutes, device, deviceLength);
      }
      item = fieldAt(row, 0);
    }
  }
  return length;
}

@inline function rowOf(item: i32, isRoutes: bool): usize {
  return isRoutes ? routes.rowAt(item) : neighs.rowAt(item);
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

