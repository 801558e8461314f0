// katanet's main job: read a network namespace the way Kata's runtime does and say what
// its guest agent would be sent. Four dumps land in Wasm memory; the core lists the links,
// the host probes them as Kata does (ethtool bus-info, vhost-user sockets), appends those
// hints, and the core finishes the conversion. Once the dump thread is up, the kernel's
// work and katanet's overlap: the vhost-user probes and the decoding of each route and
// neighbour datagram happen while the thread receives the next.
import { DUMP_KINDS, encodeHex, type Capture, type DumpKind } from "./capture.ts";
import { KatanetCore } from "./core.ts";
import { type Conversion, type ConvertOptions, type LinkSummary } from "./core-types.ts";
import { defaultCore } from "./default-core.ts";
import { NetlinkBuilder } from "./netlink/builder.ts";
import { dumpNamespace } from "./netlink/dump.ts";
import { DumpThread } from "./netlink/dump-thread.ts";
import { busInfos, EthtoolSocket, vhostUserSockets } from "./netlink/ethtool.ts";
import { messageType, netlinkMessages } from "./netlink/messages.ts";
import { inNamespace } from "./netlink/netns.ts";
import { NetlinkSocket } from "./netlink/socket.ts";
import { tagConversion, traced } from "./trace.ts";
import { encodeCcwDevices, encodeHints, encodePciPaths, type CaptureHints } from "./wire/records.ts";

export interface ScanOptions extends ConvertOptions {
  /** NAME (/var/run/netns/NAME), a path, or a PID; the calling thread's own namespace when absent. */
  netns?: string;
  /** Guest PCI paths by interface name, as a hypervisor would assign them. */
  pciPaths?: Record<string, string>;
  /** s390x guests' CCW bus ids (0.SSID.DEVNO) by interface name, the device paths there. */
  ccwDevices?: Record<string, string>;
  core?: KatanetCore;
  /** Receive the dumps on a helper thread, overlapping kernel and decoding work (default
   * true). The thread starts on the first such scan and serves the later ones. It pays
   * for large namespaces scanned repeatedly; a one-shot caller saves starting it, and a
   * latency-bound one (watch's rescans) its wake-ups, by passing false. */
  dumpThread?: boolean;
}

const OWN_NAMESPACE = "/proc/thread-self/ns/net";

/** Scans a namespace: Kata's endpoints and the agent messages for them. */
export function scan(options: ScanOptions = {}): Conversion {
  return traced("scan", { netns: options.netns ?? OWN_NAMESPACE }, (span) => {
    const core = options.core ?? defaultCore();
    const hints = readNamespace(options, core);
    const records = new NetlinkBuilder();
    encodeHints(records, core.abi, hints);
    encodePciPaths(records, core.abi, options.pciPaths ?? {});
    encodeCcwDevices(records, core.abi, options.ccwDevices ?? {});
    core.append(records.finish());
    const conversion = traced("generate", {}, (generate) => tagConversion(generate, core.classify(options)));
    return tagConversion(span, conversion);
  });
}

/** The namespace's raw dumps and hints, in the form `katanet convert` reads back. */
export function capture(options: Omit<ScanOptions, keyof ConvertOptions> = {}): Capture {
  const core = options.core ?? defaultCore();
  const hints = readNamespace(options, core);
  const ccwDevices = options.ccwDevices === undefined ? {} : { ccwDevices: { ...options.ccwDevices } };
  return { netlink: splitByKind(core.inputBytes()), pciPaths: { ...(options.pciPaths ?? {}) }, ...ccwDevices, hints };
}

/** Dumps the namespace into the core's input and gathers Kata's per-link hints. */
function readNamespace(options: Pick<ScanOptions, "netns" | "dumpThread">, core: KatanetCore): CaptureHints {
  const { netlink, ethtool } = inNamespace(options.netns ?? OWN_NAMESPACE, () => {
    const netlink = NetlinkSocket.open();
    try {
      return { netlink, ethtool: EthtoolSocket.open() };
    } catch (error) {
      netlink.close();
      throw error;
    }
  });
  try {
    const thread = options.dumpThread === false ? null : DumpThread.ready();
    if (thread === null) {
      dumpNamespace(tracedDumps(netlink), core.resetInput());
      const candidates = probeCandidates(core.decodeLinks());
      return { busInfo: busInfos(ethtool, candidates), vhostUserSockets: vhostUserSockets(candidates) };
    }
    // The worker has no tracer: one span covers the four dumps, made here.
    return traced("dump", { type: DUMP_KINDS.join(","), thread: true }, () => dumpOverlapped(thread, netlink, ethtool, core));
  } finally {
    netlink.close();
    ethtool.close();
  }
}

const ADDRESS_DUMP = 1;

/**
 * Links and addresses are dumped first: once they are in, the core lists the links, the
 * vhost-user files are probed, and every later datagram is decoded on arrival. A restarted
 * dump starts the input over, so all that waits for the addresses again. ethtool probes
 * run after the dumps: alongside the route dump they took four times as long (the ioctl
 * seems to wait for the lock the kernel holds while it fills each datagram). A callback's
 * failure is held by the thread until the dump ends, which leaves the socket between replies.
 */
function dumpOverlapped(thread: DumpThread, netlink: NetlinkSocket, ethtool: EthtoolSocket, core: KatanetCore): CaptureHints {
  let candidates: LinkSummary[] | null = null;
  let sockets: Record<string, string> = {};
  thread.dump(netlink.fd, core.resetInput(), {
    afterDump(index) {
      if (index !== ADDRESS_DUMP) return;
      candidates = probeCandidates(core.decodeLinks());
      sockets = vhostUserSockets(candidates);
    },
    afterDatagram: () => void (candidates !== null && core.decodeMore()),
    afterRestart: () => void (candidates = null),
  });
  if (candidates === null) throw new Error("netlink dump thread finished without the address dump");
  return { busInfo: busInfos(ethtool, candidates), vhostUserSockets: sockets };
}

/** Kata probes only links that reach addSingleEndpoint: those with an address. */
function probeCandidates(links: LinkSummary[]): LinkSummary[] {
  return links.filter((link) => link.addresses.length > 0);
}

const KIND_OF_TYPE: Record<number, DumpKind> = { 16: "links", 20: "addrs", 24: "routes", 28: "neighs" };
/** A dump request's message type is its reply's plus two (RTM_GETLINK = RTM_NEWLINK + 2). */
const GET_TO_NEW = 2;

/** The socket's dumps, each in a span tagged with what it reads. */
function tracedDumps(socket: NetlinkSocket): Pick<NetlinkSocket, "dump"> {
  return {
    dump(request, sink) {
      const kind = KIND_OF_TYPE[messageType(request) - GET_TO_NEW];
      traced("dump", { type: kind }, () => socket.dump(request, sink));
    },
  };
}

function splitByKind(stream: Uint8Array): Capture["netlink"] {
  const netlink = Object.fromEntries(DUMP_KINDS.map((kind) => [kind, [] as string[]])) as Capture["netlink"];
  for (const message of netlinkMessages(stream)) {
    const kind = KIND_OF_TYPE[message.type];
    if (kind) netlink[kind].push(encodeHex(message.bytes));
  }
  return netlink;
}
