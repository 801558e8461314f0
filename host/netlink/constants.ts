// Linux ABI numbers the host shares across modules: sockets (<sys/socket.h>,
// <linux/netlink.h>), rtnetlink message types and headers (<linux/rtnetlink.h>), and the
// link/address/route attributes more than one module writes or reads.

export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const NETLINK_ROUTE = 0;
export const SOCKADDR_NL_SIZE = 12;
export const MSG_TRUNC = 0x20;

export const RTM_NEWLINK = 16;
export const RTM_NEWADDR = 20;
export const RTM_NEWROUTE = 24;
export const RTM_NEWNEIGH = 28;

export const IFINFOMSG_SIZE = 16;
export const IFADDRMSG_SIZE = 8;
export const RTMSG_SIZE = 12;
export const NDMSG_SIZE = 12;

export const IFF_UP = 0x1;
export const IFF_NOARP = 0x80;
export const IFLA_IFNAME = 3;
export const IFA_ADDRESS = 1;

/** Neighbour states (NUD_*), by bit, with the names `ip neigh` prints. */
export const NEIGHBOUR_STATES: readonly (readonly [number, string])[] = [
  [0x01, "INCOMPLETE"], [0x02, "REACHABLE"], [0x04, "STALE"], [0x08, "DELAY"],
  [0x10, "PROBE"], [0x20, "FAILED"], [0x40, "NOARP"], [0x80, "PERMANENT"],
];
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;

/** The names of the state bits set, and any bits left over in hex; none for state 0. */
export function neighbourStateNames(state: number): string[] {
  const names = NEIGHBOUR_STATES.filter(([bit]) => state & bit).map(([, name]) => name);
  const rest = NEIGHBOUR_STATES.reduce((remaining, [bit]) => remaining & ~bit, state) >>> 0;
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}

export const RT_TABLE_MAIN = 254;
export const RTPROT_BOOT = 3;
export const RTN_UNICAST = 1;
