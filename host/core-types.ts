// What a conversion gives and takes: the agent messages per neighbour rule, the endpoints
// and skipped links of the report, the explanation records.
import { NEIGHBOUR_SECTIONS, type Change, type DropReason, type ExplainKind } from "./core-abi.ts";

export type NeighbourRule = keyof typeof NEIGHBOUR_SECTIONS;
export const NEIGHBOUR_RULES = Object.keys(NEIGHBOUR_SECTIONS) as NeighbourRule[];

/** The six agent messages of one neighbour rule, as Go's deterministic marshalling gives them. */
export interface AgentMessages {
  interfaces: Uint8Array[];
  updateInterfaceRequests: Uint8Array[];
  updateRoutesRequest: Uint8Array;
  addArpNeighborsRequest: Uint8Array;
  interfacesList: Uint8Array;
  routesList: Uint8Array;
}

export interface ScanEndpoint {
  name: string;
  type: string;
  /** The network-pair index Kata derived (br{i}_kata, tap{i}_kata), null without a pair. */
  pairIndex: bigint | null;
  hwAddr: string;
}

export interface SkippedLink {
  name: string;
  /** no-addresses, loopback, already-added, or (with keepGoing) the error Kata would raise. */
  reason: string;
}

export interface Conversion {
  endpoints: ScanEndpoint[];
  skipped: SkippedLink[];
  messages: Partial<Record<NeighbourRule, AgentMessages>>;
}

/** What the converter decided about one input object (see assembly/kata/explain.ts). */
export interface ExplainRecord {
  kind: ExplainKind;
  /** Why the object is left out, by the core's name for the reason (null: sent); host/explain/rules.ts says them. */
  reason: DropReason | null;
  /** How Kata changes the object it sends (null: sent as it is). */
  change: Change | null;
  /** A number the reason refers to: a route's table, a neighbour's state, a link's flags. */
  detail: number;
  link: string;
  /** Go's error text for a link Kata would fail on, else empty. */
  text: string;
  /** The object as a list element body: Interface, IPAddress, Route or ARPNeighbor. */
  element: Uint8Array;
}

/** A decoded link as Kata's hint probes need it: name and addresses in Go's text form. */
export interface LinkSummary {
  name: string;
  addresses: string[];
}

export interface ConvertOptions {
  rules?: readonly NeighbourRule[];
  /** Leave out links Kata would reject (listed in `skipped`) instead of failing. */
  keepGoing?: boolean;
  /** GOARCH whose rules apply (default: this machine's); on s390x device paths are CCW devices. */
  arch?: string;
}
