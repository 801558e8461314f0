// The numbers the Wasm core and the host share (error codes, load flags, section ids,
// record types, reason codes, the layout of the explanation records), read from the core
// module's exported globals. Each is declared once, in assembly/, and re-exported by
// assembly/index.ts; this file names them and holds no value of its own.

/** The reasons the core gives for leaving an object out (assembly/kata/reasons.ts). */
export const DROP_REASONS = [
  "LINK_NO_ADDRESS", "LINK_LOOPBACK", "LINK_ALREADY_ADDED", "LINK_UNSUPPORTED", "LINK_PAIR_INDEX",
  "ADDRESS_LOOPBACK", "ADDRESS_LINK_DROPPED",
  "ROUTE_KERNEL_PROTOCOL", "ROUTE_NOT_MAIN_TABLE", "ROUTE_CLONED", "ROUTE_MULTIPATH", "ROUTE_NO_DEVICE", "ROUTE_OTHER_DEVICE",
  "NEIGH_NOT_PERMANENT", "NEIGH_NO_LLADDR", "NEIGH_OTHER_DEVICE", "NEIGH_NOT_GATEWAY",
] as const;

/** The changes Kata makes to an object it sends (assembly/kata/reasons.ts). */
export const CHANGES = ["CHANGED_RAW_FLAGS", "CHANGED_MASK", "CHANGED_FAMILY_V6"] as const;

/** The kinds of explanation record, by the host's name for each (assembly/kata/explain.ts). */
export const EXPLAIN_KINDS = {
  link: "EXPLAIN_LINK",
  address: "EXPLAIN_ADDRESS",
  route: "EXPLAIN_ROUTE",
  neighbour: "EXPLAIN_NEIGHBOUR",
} as const;

/** The neighbour sections, by the rule each lists under (assembly/kata/sections.ts). */
export const NEIGHBOUR_SECTIONS = {
  seed: "SECTION_NEIGHBOURS_SEED",
  "preseed-gateway": "SECTION_NEIGHBOURS_PRESEED_GATEWAY",
} as const;

export type DropReason = (typeof DROP_REASONS)[number];
export type Change = (typeof CHANGES)[number];
export type ExplainKind = keyof typeof EXPLAIN_KINDS;

/** Every exported global the host reads, by the core's own name. */
export const CORE_ABI_NAMES = [
  // assembly/errors.ts
  "ERR_MALFORMED", "ERR_KATA", "ERR_OUTPUT_TOO_SMALL", "ERR_USAGE",
  // assembly/index.ts
  "LOAD_KEEP_GOING", "LOAD_DECODE_ONLY", "LOAD_S390X",
  // assembly/kata/sections.ts
  "SECTION_INTERFACES", "SECTION_ROUTES", ...Object.values(NEIGHBOUR_SECTIONS),
  // assembly/kata/report.ts: the tag characters of the report's lines
  "REPORT_ENDPOINT", "REPORT_SKIPPED", "REPORT_NO_PAIR",
  // assembly/kata/explain.ts: record kinds and header layout
  ...Object.values(EXPLAIN_KINDS),
  "EXPLAIN_KIND_AT", "EXPLAIN_REASON_AT", "EXPLAIN_CHANGE_AT", "EXPLAIN_DETAIL_AT", "EXPLAIN_HEADER_SIZE",
  // assembly/kata/reasons.ts
  "SENT", ...DROP_REASONS, "UNCHANGED", ...CHANGES,
  // assembly/kata/network.ts
  "PAIR_BRIDGE", "PAIR_TAP", "PAIR_VIRT", "DEFAULT_NET_INTERWORKING_MODEL", "FAMILY_V4", "FAMILY_V6",
  // assembly/input/record-types.ts
  "KATANET_PCI_PATH", "KATANET_BUS_INFO", "KATANET_VHOST_USER", "KATANET_CCW_DEVICE", "KATANET_ENDPOINT",
  "RECORD_HINT_NAME", "RECORD_HINT_VALUE",
  "RECORD_ENDPOINT_NAME", "RECORD_ENDPOINT_TYPE", "RECORD_ENDPOINT_HWADDR", "RECORD_ENDPOINT_PCI_PATH", "RECORD_ENDPOINT_MTU",
  "RECORD_ENDPOINT_RAW_FLAGS", "RECORD_ENDPOINT_ADDR", "RECORD_ENDPOINT_ROUTE", "RECORD_ENDPOINT_NEIGH",
  "RECORD_IPNET_IP", "RECORD_IPNET_MASK",
  "RECORD_ROUTE_DST", "RECORD_ROUTE_GW", "RECORD_ROUTE_SRC", "RECORD_ROUTE_SCOPE", "RECORD_ROUTE_FAMILY", "RECORD_ROUTE_FLAGS",
  "RECORD_ROUTE_MTU", "RECORD_ROUTE_PROTOCOL",
  "RECORD_NEIGH_IP", "RECORD_NEIGH_LLADDR", "RECORD_NEIGH_STATE", "RECORD_NEIGH_FLAGS",
] as const;

export type CoreAbiName = (typeof CORE_ABI_NAMES)[number];
export type CoreAbi = Readonly<Record<CoreAbiName, number>>;

/** The core module does not export a number the host needs: host and .wasm are from different builds. */
export class CoreAbiError extends Error {
  override name = "CoreAbiError";
}

/**
 * Reads every shared number from an instance's exports, or names each one that is missing.
 * A global arrives as a WebAssembly.Global (value in `.value`), from a bare instance and
 * through @assemblyscript/loader alike: the loader passes globals through untouched.
 */
export function readCoreAbi(exports: Readonly<Record<string, unknown>>): CoreAbi {
  const missing = CORE_ABI_NAMES.filter((name) => !isNumberGlobal(exports[name]));
  if (missing.length > 0) {
    throw new CoreAbiError(
      `the katanet core module does not export ${missing.join(", ")} as a number: it was built from other sources than this host (run npm run build)`,
    );
  }
  const abi = {} as Record<CoreAbiName, number>;
  for (const name of CORE_ABI_NAMES) abi[name] = (exports[name] as WebAssembly.Global).value as number;
  return Object.freeze(abi);
}

function isNumberGlobal(value: unknown): boolean {
  return value instanceof WebAssembly.Global && typeof value.value === "number";
}

/** A table from the core's code for each of `names` back to the name, for decoding its output. */
export function namesByCode<Name extends CoreAbiName>(abi: CoreAbi, names: readonly Name[]): ReadonlyMap<number, Name> {
  return new Map(names.map((name) => [abi[name], name]));
}
