// A NETLINK_ROUTE socket subscribed to a namespace's change notifications: links,
// IPv4/IPv6 addresses, IPv4/IPv6 routes and neighbours. Events only say "something
// changed"; the watcher rescans to learn what, so datagrams are discarded unread.

import { Errno } from "../netlink/errno.ts";
import { inNamespace } from "../netlink/netns.ts";
import { sys, SysError } from "../netlink/sys.ts";
import { AF_NETLINK, SOCK_RAW, SOCK_CLOEXEC, SOL_SOCKET, NETLINK_ROUTE, SOCKADDR_NL_SIZE, MSG_TRUNC } from "../netlink/constants.ts";

const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const MSG_DONTWAIT = 0x40;

const RTNLGRP_LINK = 1;
const RTNLGRP_NEIGH = 3;
const RTNLGRP_IPV4_IFADDR = 5;
const RTNLGRP_IPV4_ROUTE = 7;
const RTNLGRP_IPV6_IFADDR = 9;
const RTNLGRP_IPV6_ROUTE = 11;
const GROUPS = [RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE];

/** With the default ~200 KiB buffer only a few hundred of a 10,000-route burst survive. */
export const DEFAULT_RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;
/** Bounds one drain so a flood cannot hold the event loop (256 reads take well under a
 * millisecond; a node agent's other namespaces wait behind them); poll reports the rest. */
const MAX_DATAGRAMS_PER_DRAIN = 256;
const OWN_NAMESPACE = "/proc/thread-self/ns/net";

export interface Drained {
  datagrams: number;
  /** The kernel dropped notifications (ENOBUFS): only a full rescan is trustworthy now. */
  overflowed: boolean;
  /** Stopped at the per-drain bound with datagrams still queued. */
  more: boolean;
}

export class EventSocket {
  private readonly discard = new Uint8Array(0);
  private closed = false;

  private constructor(
    readonly fd: number,
    /** An open handle on the namespace the socket lives in, so rescans read the very
     * same namespace even if its name is deleted and reused meanwhile. */
    readonly namespaceFd: number,
  ) {}

  /** Opens and subscribes a socket in namespace `netns` (NAME, PATH or PID; own when absent). */
  static open(netns: string | undefined, receiveBufferBytes = DEFAULT_RECEIVE_BUFFER_BYTES): EventSocket {
    return inNamespace(netns ?? OWN_NAMESPACE, () => {
      const fd = sys.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      try {
        setReceiveBuffer(fd, receiveBufferBytes);
        sys.bind(fd, groupsAddress(GROUPS));
        return new EventSocket(fd, sys.openReadOnly(OWN_NAMESPACE));
      } catch (error) {
        sys.close(fd);
        throw error;
      }
    });
  }

  /** A namespace spec for `scan()` that names exactly this socket's namespace. */
  get namespacePath(): string {
    return `/proc/self/fd/${this.namespaceFd}`;
  }

  /** Reads and discards queued notifications without blocking. */
  drain(): Drained {
    const drained: Drained = { datagrams: 0, overflowed: false, more: false };
    while (drained.datagrams < MAX_DATAGRAMS_PER_DRAIN) {
      try {
        if (sys.tryRecv(this.fd, this.discard, MSG_DONTWAIT | MSG_TRUNC) < 0) return drained;
        drained.datagrams += 1;
      } catch (error) {
        if (!(error instanceof SysError && error.errno === Errno.ENOBUFS)) throw error;
        drained.overflowed = true;
      }
    }
    drained.more = true;
    return drained;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    sys.close(this.fd);
    sys.close(this.namespaceFd);
  }
}

/** SO_RCVBUFFORCE passes net.core.rmem_max but needs CAP_NET_ADMIN; without it the
 * plain option gets what rmem_max allows. */
function setReceiveBuffer(fd: number, bytes: number): void {
  if (!Number.isInteger(bytes) || bytes <= 0) throw new RangeError(`receive buffer size must be a positive integer, not ${bytes}`);
  try {
    sys.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes);
  } catch (error) {
    if (!(error instanceof SysError && error.errno === Errno.EPERM)) throw error;
    sys.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, bytes);
  }
}

/** sockaddr_nl with nl_groups set: every group here is below 32, so the bitmask suffices. */
function groupsAddress(groups: number[]): Uint8Array {
  const address = new Uint8Array(SOCKADDR_NL_SIZE);
  const view = new DataView(address.buffer);
  view.setUint16(0, AF_NETLINK, true);
  view.setUint32(8, groups.reduce((mask, group) => mask | (1 << (group - 1)), 0) >>> 0, true);
  return address;
}
