import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changesBetween, type NamespaceState } from "../../host/watch/state.ts";

/** A state with only a route list (views into a larger buffer, as the core's output is). */
function withRoutes(bytes: number[]): NamespaceState {
  const backing = new Uint8Array(bytes.length + 8);
  backing.set(bytes, 4);
  const routesList = backing.subarray(4, 4 + bytes.length);
  const empty = new Uint8Array();
  return { interfaces: [], interfacesList: empty, routesList, neighboursList: empty, routesRequest: routesList, neighbours: [], skipped: [] };
}

describe("changesBetween: the route set", () => {
  it("is not re-sent when its bytes are equal, wherever they sit in memory", () => {
    assert.deepEqual(changesBetween(withRoutes([1, 2, 3, 4]), withRoutes([1, 2, 3, 4])), []);
  });

  it("is re-sent when one byte differs at the same length", () => {
    assert.deepEqual(changesBetween(withRoutes([1, 2, 3, 4]), withRoutes([1, 2, 9, 4])).map((change) => change.kind), ["updateRoutes"]);
  });

  it("is re-sent when it grows by a byte that the old list's buffer happens to hold next", () => {
    assert.deepEqual(changesBetween(withRoutes([1, 2, 3]), withRoutes([1, 2, 3, 0])).map((change) => change.kind), ["updateRoutes"]);
  });
});
