// Hints Kata gathers about each link besides netlink, so the core can classify endpoints
// the same way (kata 492329fc02, virtcontainers/network_linux.go):
//
// * isPhysicalIface(name): "lo" is never physical; otherwise an AF_INET datagram socket
//   opened inside the namespace asks ETHTOOL_GDRVINFO for the link's bus-info. Any ioctl
//   failure means "not physical"; a bus-info that splits into exactly three ':' fields
//   (PCI "dddd:bb:dd.f") means physical. The core applies that rule; here we only read
//   bus-info, reporting "" when the ioctl fails (the same outcome for Kata).
// * vhostUserSocketPath(netInfo): skipped for "lo"; for each of the link's addresses, in
//   netlink order, os.Stat("/tmp/vhostuser_<IP.String()>/vhu.sock") in the *host's* mount
//   namespace (only the network namespace is switched); the first path that exists is the
//   socket. The addresses come from the Wasm core's decoding (KatanetCore.decodeLinks),
//   which reports them exactly as the Go netlink library does.

import { existsSync } from "node:fs";
import { sys } from "./sys.ts";
import { AF_INET, SOCK_DGRAM, SOCK_CLOEXEC } from "./constants.ts";

const SIOCETHTOOL = 0x8946;
const ETHTOOL_GDRVINFO = 3;
const IFNAMSIZ = 16;
const IFREQ_SIZE = 40;
const IFREQ_DATA_OFFSET = 16;
const DRVINFO_SIZE = 196;
const DRVINFO_BUS_INFO_OFFSET = 4 + 32 + 32 + 32;
const DRVINFO_BUS_INFO_SIZE = 32;

const VHOST_USER_SOCKET_PATH = (ip: string): string => `/tmp/vhostuser_${ip}/vhu.sock`;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A link as the hints need it: its name and its addresses in Go's IP.String() form. */
export interface HintLink {
  name: string;
  addresses: string[];
}

/** The socket Kata's ethtool handle uses; open it inside the namespace (see inNamespace). */
export class EthtoolSocket {
  private readonly request = new Uint8Array(new ArrayBuffer(IFREQ_SIZE));
  private readonly requestName = this.request.subarray(0, IFNAMSIZ);
  // Its own ArrayBuffer, never a small on-heap typed array, so its address is stable and
  // ifr_data is set once, here.
  private readonly driverInfo = new Uint8Array(new ArrayBuffer(DRVINFO_SIZE));
  private readonly busInfoField = this.driverInfo.subarray(DRVINFO_BUS_INFO_OFFSET, DRVINFO_BUS_INFO_OFFSET + DRVINFO_BUS_INFO_SIZE);

  private constructor(private readonly fd: number) {
    new DataView(this.request.buffer).setBigUint64(IFREQ_DATA_OFFSET, sys.addressOf(this.driverInfo), true);
  }

  static open(): EthtoolSocket {
    return new EthtoolSocket(sys.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  }

  /** ETHTOOL_GDRVINFO's bus_info for `linkName`, or "" when the driver cannot say. */
  busInfo(linkName: string): string {
    // ifr_name: at most IFNAMSIZ - 1 bytes, then NULs
    this.requestName.fill(0);
    const { read } = textEncoder.encodeInto(linkName, this.requestName.subarray(0, IFNAMSIZ - 1));
    if (read < linkName.length) throw new RangeError(`link name "${linkName}" is longer than ${IFNAMSIZ - 1} bytes`);
    this.driverInfo[0] = ETHTOOL_GDRVINFO; // cmd, a little-endian u32 whose other bytes stay 0
    // Kata treats every failure as "not physical". On success the kernel writes the whole
    // struct back, zeroed where the driver says nothing, so nothing needs clearing first.
    if (!sys.tryIoctl(this.fd, SIOCETHTOOL, this.request)) return "";
    const end = this.busInfoField.indexOf(0);
    if (end === 0) return "";
    return textDecoder.decode(end < 0 ? this.busInfoField : this.busInfoField.subarray(0, end));
  }

  close(): void {
    sys.close(this.fd);
  }
}

/** Kata's vhost-user probe: for each link but "lo", the first /tmp/vhostuser_<ip>/vhu.sock
 * that exists for its addresses, in their order; by link name. */
export function vhostUserSockets(links: HintLink[]): Record<string, string> {
  const sockets: Record<string, string> = {};
  for (const link of links) {
    if (link.name === "lo") continue;
    const path = link.addresses.map(VHOST_USER_SOCKET_PATH).find((candidate) => existsSync(candidate));
    if (path !== undefined) sockets[link.name] = path; // Kata: os.Stat succeeds, whatever is there
  }
  return sockets;
}

/** ethtool bus-info of each link that reports one ("lo" is never probed), by link name. */
export function busInfos(ethtool: EthtoolSocket, links: HintLink[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const link of links) {
    const busInfo = link.name === "lo" ? "" : ethtool.busInfo(link.name);
    if (busInfo !== "") found[link.name] = busInfo;
  }
  return found;
}
