// Netlink and rtnetlink numbers from <linux/netlink.h>, <linux/rtnetlink.h>,
// <linux/if_link.h>, <linux/if_addr.h> and <linux/neighbour.h>.

export const NLMSG_HDRLEN: i32 = 16;
export const NLA_HDRLEN: i32 = 4;
export const NLA_TYPE_MASK: u16 = 0x3fff; // drops NLA_F_NESTED and NLA_F_NET_BYTEORDER

export const NLMSG_NOOP: u16 = 1;
export const NLMSG_ERROR: u16 = 2;
export const NLMSG_DONE: u16 = 3;
export const NLMSG_OVERRUN: u16 = 4;

export const RTM_NEWLINK: u16 = 16;
export const RTM_NEWADDR: u16 = 20;
export const RTM_NEWROUTE: u16 = 24;
export const RTM_NEWNEIGH: u16 = 28;

export const IFF_LOOPBACK: u32 = 0x8;
export const IFF_NOARP: u32 = 0x80;

export const IFLA_ADDRESS: u16 = 1;
export const IFLA_IFNAME: u16 = 3;
export const IFLA_MTU: u16 = 4;
export const IFLA_LINKINFO: u16 = 18;
export const IFLA_INFO_KIND: u16 = 1;
export const IFLA_INFO_DATA: u16 = 2;
export const IFLA_TUN_TYPE: u16 = 3;
export const IFLA_GRE_LOCAL: u16 = 6;
export const IFLA_VTI_LOCAL: u16 = 4;

export const IFA_ADDRESS: u16 = 1;
export const IFA_LOCAL: u16 = 2;

export const RTA_DST: u16 = 1;
export const RTA_OIF: u16 = 4;
export const RTA_GATEWAY: u16 = 5;
export const RTA_PREFSRC: u16 = 7;
export const RTA_METRICS: u16 = 8;
export const RTA_MULTIPATH: u16 = 9;
export const RTAX_MTU: u16 = 2;
export const RT_TABLE_MAIN: u8 = 254;
export const RTM_F_CLONED: u32 = 0x200;
export const RTPROT_KERNEL: i32 = 2;

export const NDA_DST: u16 = 1;
export const NDA_LLADDR: u16 = 2;
export const NUD_REACHABLE: i32 = 0x02;
export const NUD_PERMANENT: i32 = 0x80;

export const AF_INET: i32 = 2;
export const AF_INET6: i32 = 10;
export const AF_MPLS: i32 = 28;
