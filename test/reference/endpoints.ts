// Kata's scan (addAllEndpoints / addSingleEndpoint at 492329fc02): which links become
// endpoints, of what type, with which network-pair names, in which order, and the errors
// that abort the whole scan. Physical (PCI bus-info) and vhost-user endpoints need host
// probes that no fixture records, so every link here is neither.

import type { Endpoint, Link, NetworkInfo } from "./model.ts";
import type { NetlinkDump } from "./decode.ts";
import { hardwareAddrString } from "./text.ts";
import { normalisePciPath } from "./pci-path.ts";

const IFF_LOOPBACK = 0x8;

/** An error of Kata's scan: Go's text, and the link being added when it happened. */
export class KataScanError extends Error {
  constructor(message: string, readonly interfaceName: string) {
    super(message);
  }
}

export type SkipReason = "no-addresses" | "loopback" | "already-added";

export interface ScanResult {
  /** Sorted byte-wise by name, as Kata's sort.Slice leaves them. */
  endpoints: Endpoint[];
  skipped: { name: string; reason: SkipReason }[];
}

/** The names of `createNetworkInterfacePair(idx, linkName)`; macvtap endpoints have none. */
interface NetworkPairNames {
  bridge: string;
  tap: string;
  virt: string;
}

interface AddedEndpoint {
  endpoint: Endpoint;
  pair: NetworkPairNames | null;
}

/** `networkInfoFromLink` for every link, from one dump instead of three per link. */
function networkInfos(dump: NetlinkDump): NetworkInfo[] {
  type Lists = Omit<NetworkInfo, "link">;
  const listsByIndex = new Map<number, Lists>();
  const infos = dump.links.map((link) => {
    let lists = listsByIndex.get(link.index);
    if (!lists) {
      lists = { addrs: [], routes: [], neighbors: [] };
      listsByIndex.set(link.index, lists);
    }
    // Links sharing an index share the lists, as Go's per-index filtering would give.
    return { link, ...lists };
  });
  for (const addr of dump.addrs) listsByIndex.get(addr.linkIndex)?.addrs.push(addr);
  for (const route of dump.routes) listsByIndex.get(route.linkIndex)?.routes.push(route);
  for (const neigh of dump.neighs) listsByIndex.get(neigh.linkIndex)?.neighbors.push(neigh);
  return infos;
}

function alreadyAdded(added: AddedEndpoint[], name: string): boolean {
  return added.some(
    ({ endpoint, pair }) =>
      endpoint.name === name || (pair !== null && (pair.bridge === name || pair.tap === name || pair.virt === name)),
  );
}

const INT64_MAX = 9223372036854775807n;

/** The pair index: the endpoint count, raised past the first digit run of the previous
 * endpoint's name (Kata's guard against name clashes, with its strconv.ParseInt errors). */
function nextPairIndex(added: AddedEndpoint[], linkName: string): number {
  const index = added.length;
  if (added.length === 0) return index;
  const digits = /[0-9]+/.exec(added[added.length - 1].endpoint.name)?.[0] ?? "";
  if (digits === "") throw new KataScanError(`strconv.ParseInt: parsing "": invalid syntax`, linkName);
  if (BigInt(digits) > INT64_MAX) {
    throw new KataScanError(`strconv.ParseInt: parsing "${digits}": value out of range`, linkName);
  }
  const previous = Number(digits);
  return index <= previous ? previous + 1 : index;
}

/** Kata's endpoint type for a link, or the error `addSingleEndpoint` returns for it. */
function classify(link: Link): { type: string; hasPair: boolean } {
  switch (link.type) {
    case "veth":
      return { type: "virtual", hasPair: true };
    case "macvlan":
    case "ipvlan":
      return { type: link.type, hasPair: true };
    case "macvtap":
      return { type: "macvtap", hasPair: false };
    case "tap":
      // createTapNetworkEndpoint succeeds; its Attach is what refuses.
      throw new KataScanError("TapEndpoint does not support Attach, if you're using docker please use --net none", link.name);
    case "tuntap":
      switch (link.tuntapMode) {
        case 0:
          throw new KataScanError("Network device mode not determined correctly. Mount sysfs in caller", link.name);
        case 1:
          throw new KataScanError("tun networking device not yet supported", link.name);
        case 2:
          return { type: "tuntap", hasPair: true };
        default:
          // TuntapMode.String() names only tun and tap.
          throw new KataScanError("tuntap network unknown mode unsupported", link.name);
      }
    default:
      throw new KataScanError(`Unsupported network interface: ${link.type}`, link.name);
  }
}

function addSingleEndpoint(added: AddedEndpoint[], info: NetworkInfo, pciPaths: Record<string, string>): AddedEndpoint {
  const { link } = info;
  const index = nextPairIndex(added, link.name);
  const { type, hasPair } = classify(link);
  const endpoint: Endpoint = {
    name: link.name,
    type,
    hardwareAddr: hardwareAddrString(link.hardwareAddr),
    // Own keys only: a link named "constructor" has no PCI path.
    devicePath: normalisePciPath(Object.hasOwn(pciPaths, link.name) ? pciPaths[link.name] : ""),
    properties: info,
  };
  const pair = hasPair ? { bridge: `br${index}_kata`, tap: `tap${index}_kata`, virt: link.name } : null;
  return { endpoint, pair };
}

/** Compares like Go compares strings: by UTF-8 bytes, which is code-point order. */
function compareBytewise(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Kata's addAllEndpoints over one namespace dump; throws KataScanError where Kata fails. */
export function scanEndpoints(dump: NetlinkDump, pciPaths: Record<string, string> = {}): ScanResult {
  const added: AddedEndpoint[] = [];
  const skipped: ScanResult["skipped"] = [];
  for (const info of networkInfos(dump)) {
    const { name } = info.link;
    if (info.addrs.length === 0) skipped.push({ name, reason: "no-addresses" });
    else if (info.link.rawFlags & IFF_LOOPBACK) skipped.push({ name, reason: "loopback" });
    else if (alreadyAdded(added, name)) skipped.push({ name, reason: "already-added" });
    else added.push(addSingleEndpoint(added, info, pciPaths));
  }
  const endpoints = added.map(({ endpoint }) => endpoint).sort((a, b) => compareBytewise(a.name, b.name));
  return { endpoints, skipped };
}
