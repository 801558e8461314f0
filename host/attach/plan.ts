// Which of a scan's endpoints attach connects, with which model and tap index, and why it
// leaves the others alone. Kata cross-connects veth, macvlan and ipvlan endpoints; the
// others it plugs differently.
import type { Conversion, ScanEndpoint } from "../core-types.ts";
import type { AttachedEndpoint, AttachModel, SkippedEndpoint } from "./types.ts";

const CONNECTED_TYPES = new Set(["virtual", "macvlan", "ipvlan"]);

const UNTOUCHED_REASONS: Record<string, string> = {
  physical: "physical: Kata passes the device itself to the VM (VFIO); no tap is made",
  "vhost-user": "vhost-user: the VMM connects to its vhost-user socket; no tap is made",
  tuntap: "tuntap: already a tap, which the VMM opens by name",
  macvtap: "macvtap: already a macvtap, which the VMM opens as /dev/tap<ifindex>",
};

/** Links that were never endpoints: they are not listed as skipped. */
const NOT_ENDPOINTS = new Set(["loopback", "no-addresses"]);

export interface PlannedEndpoint {
  endpoint: ScanEndpoint;
  model: AttachedEndpoint["model"];
  index: number;
}

export interface Plan {
  connect: PlannedEndpoint[];
  skipped: SkippedEndpoint[];
}

/**
 * `attached`: endpoints connected earlier (left out, their indexes not reused); `ownTaps`:
 * their taps, which a scan lists as links of their own.
 */
export function planAttach(conversion: Conversion, model: AttachModel, only: string[] | undefined, attached: readonly AttachedEndpoint[]): Plan {
  const taken = new Set(attached.map((endpoint) => endpoint.index));
  const ownTaps = new Set(attached.map((endpoint) => endpoint.tapName));
  const known = new Set(attached.map((endpoint) => endpoint.name));
  const wanted = (name: string) => (only === undefined || only.includes(name)) && !ownTaps.has(name);
  const skipped: SkippedEndpoint[] = conversion.skipped.filter((link) => wanted(link.name) && !NOT_ENDPOINTS.has(link.reason));
  const connect: PlannedEndpoint[] = [];
  for (const endpoint of conversion.endpoints) {
    if (!wanted(endpoint.name) || known.has(endpoint.name)) continue;
    if (!CONNECTED_TYPES.has(endpoint.type)) {
      skipped.push({ name: endpoint.name, reason: UNTOUCHED_REASONS[endpoint.type] ?? `${endpoint.type}: not cross-connected by Kata` });
      continue;
    }
    const index = freeIndex(Number(endpoint.pairIndex ?? 0), taken);
    taken.add(index);
    connect.push({ endpoint, model: modelFor(endpoint, model), index });
  }
  return { connect, skipped };
}

/** ipvlan supports only tcfilter, so Kata uses it whatever was asked. */
function modelFor(endpoint: ScanEndpoint, model: AttachModel): PlannedEndpoint["model"] {
  if (model === "none") return "none";
  if (model === "macvtap" && endpoint.type !== "ipvlan") return "macvtap";
  return "tcfilter";
}

function freeIndex(preferred: number, taken: ReadonlySet<number>): number {
  let index = preferred;
  while (taken.has(index)) index++;
  return index;
}
