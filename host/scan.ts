// katanet's main job: read a network namespace the way Kata's runtime does and say what
// its guest agent would be sent. Four dumps land straight in Wasm memory; the core lists
// the links, the host probes them as Kata does (ethtool bus-info, vhost-user sockets),
// appends those hints, and the core finishes the conversion.
import { DUMP_KINDS, encodeHex, type Capture, type DumpKind } from "./capture.ts";
import { KatanetCore, type Conversion, type ConvertOptions } from "./core.ts";
import { defaultCore } from "./convert.ts";
import { NetlinkBuilder } from "./netlink/builder.ts";
import { dumpNamespace } from "./netlink/dump.ts";
import { EthtoolSocket, gatherHints } from "./netlink/ethtool.ts";
import { netlinkMessages } from "./netlink/messages.ts";
import { inNamespace } from "./netlink/netns.ts";
import { NetlinkSocket } from "./netlink/socket.ts";
import { encodeHints, encodePciPaths, type CaptureHints } from "./wire/records.ts";

export interface ScanOptions extends ConvertOptions {
  /** NAME (/var/run/netns/NAME), a path, or a PID; the calling thread's own namespace when absent. */
  netns?: string;
  /** Guest PCI paths by interface name, as a hypervisor would assign them. */
  pciPaths?: Record<string, string>;
  core?: KatanetCore;
}

const OWN_NAMESPACE = "/proc/thread-self/ns/net";

/** Scans a namespace: Kata's endpoints and the agent messages for them. */
export function scan(options: ScanOptions = {}): Conversion {
  const core = options.core ?? defaultCore();
  const hints = readNamespace(options.netns, core);
  const records = new NetlinkBuilder();
  encodeHints(records, hints);
  encodePciPaths(records, options.pciPaths ?? {});
  core.append(records.finish());
  return core.classify(options);
}

/** The namespace's raw dumps and hints, in the form `katanet convert` reads back. */
export function capture(options: Omit<ScanOptions, keyof ConvertOptions> = {}): Capture {
  const core = options.core ?? defaultCore();
  const hints = readNamespace(options.netns, core);
  return { netlink: splitByKind(core.inputBytes()), pciPaths: { ...(options.pciPaths ?? {}) }, hints };
}

/** Dumps the namespace into the core's input and gathers Kata's per-link hints. */
function readNamespace(netns: string | undefined, core: KatanetCore): CaptureHints {
  const { netlink, ethtool } = inNamespace(netns ?? OWN_NAMESPACE, () => {
    const netlink = NetlinkSocket.open();
    try {
      return { netlink, ethtool: EthtoolSocket.open() };
    } catch (error) {
      netlink.close();
      throw error;
    }
  });
  try {
    dumpNamespace(netlink, core.resetInput());
    // Kata probes only links that reach addSingleEndpoint: those with an address.
    const candidates = core.decodeLinks().filter((link) => link.addresses.length > 0);
    return hintsByName(gatherHints(ethtool, candidates));
  } finally {
    netlink.close();
    ethtool.close();
  }
}

function hintsByName(perLink: ReturnType<typeof gatherHints>): CaptureHints {
  const hints: Required<CaptureHints> = { busInfo: {}, vhostUserSockets: {} };
  for (const link of perLink) {
    if (link.busInfo !== "") hints.busInfo[link.name] = link.busInfo;
    if (link.vhostUserSocket !== undefined) hints.vhostUserSockets[link.name] = link.vhostUserSocket;
  }
  return hints;
}

const KIND_OF_TYPE: Record<number, DumpKind> = { 16: "links", 20: "addrs", 24: "routes", 28: "neighs" };

function splitByKind(stream: Uint8Array): Capture["netlink"] {
  const netlink = Object.fromEntries(DUMP_KINDS.map((kind) => [kind, [] as string[]])) as Capture["netlink"];
  for (const message of netlinkMessages(stream)) {
    const kind = KIND_OF_TYPE[message.type];
    if (kind) netlink[kind].push(encodeHex(message.bytes));
  }
  return netlink;
}
