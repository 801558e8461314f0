// The namespace the watch and serve tests start from, the burst that overflows a small
// receive buffer, and what a snapshot of a namespace holds according to a fresh scan.

import { scan } from "../../host/scan.ts";
import { envelopeToJson, type SnapshotJson } from "../../host/watch/envelope.ts";
import { stateOf } from "../../host/watch/state.ts";

/** One veth with an IPv4 address; no IPv6 link-local addresses or routes, which would
 * arrive at moments the kernel chooses. */
export const SETUP = [
  "link set lo up",
  "link add eth0 address 02:00:00:00:01:01 type veth peer name peer0 address 02:00:00:00:01:02",
  "link set eth0 addrgenmode none",
  "link set peer0 addrgenmode none",
  "link set eth0 up",
  "link set peer0 up",
  "addr add 10.1.0.1/24 dev eth0",
];

/** 11,000 route adds then 9,000 deletes: 20,000 notifications, 2,000 routes left over. */
export function routeBurst(): string[] {
  const route = (i: number) => `10.200.${i >> 8}.${i & 255}/32 via 10.1.0.254 dev eth0`;
  const lines: string[] = [];
  for (let i = 0; i < 11_000; i++) lines.push(`route add ${route(i)}`);
  for (let i = 0; i < 9_000; i++) lines.push(`route del ${route(i)}`);
  return lines;
}

/** What a snapshot sent now would hold, from a scan of its own. */
export function toSnapshot(namespace: string): SnapshotJson {
  const state = stateOf(scan({ netns: namespace, rules: ["seed"], keepGoing: true }), "seed");
  const json = envelopeToJson({ seq: 0n, kind: "snapshot", state });
  if (!("snapshot" in json)) throw new Error("a snapshot envelope became something else");
  return json.snapshot;
}
