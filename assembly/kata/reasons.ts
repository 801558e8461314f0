// Why Kata leaves an object out of the guest's messages, or changes it on the way: one code
// per rule, set where the converter applies the rule and read back by `explain`. The host
// names each code (host/explain/rules.ts); the numbers are the ABI between the two.

export const SENT: u8 = 0;

// links (scan loop, kata/endpoints.ts)
export const LINK_NO_ADDRESS: u8 = 1;
export const LINK_LOOPBACK: u8 = 2;
export const LINK_ALREADY_ADDED: u8 = 3;
export const LINK_UNSUPPORTED: u8 = 4; // Kata would fail on it: the whole sandbox fails
export const LINK_PAIR_INDEX: u8 = 5; // the previous endpoint's name gives no pair index: fails too

// addresses
export const ADDRESS_LOOPBACK: u8 = 10;
export const ADDRESS_LINK_DROPPED: u8 = 11;

// routes (the library's RouteList filters, then Kata's)
export const ROUTE_KERNEL_PROTOCOL: u8 = 20;
export const ROUTE_NOT_MAIN_TABLE: u8 = 21;
export const ROUTE_CLONED: u8 = 22;
export const ROUTE_MULTIPATH: u8 = 23;
export const ROUTE_NO_DEVICE: u8 = 24;
export const ROUTE_OTHER_DEVICE: u8 = 25;

// neighbours
export const NEIGH_NOT_PERMANENT: u8 = 30;
export const NEIGH_NO_LLADDR: u8 = 31;
export const NEIGH_OTHER_DEVICE: u8 = 32;
export const NEIGH_NOT_GATEWAY: u8 = 33; // preseed-gateway: reachable, but no default route goes through it

// changes Kata makes to what it sends
export const UNCHANGED: u8 = 0;
export const CHANGED_RAW_FLAGS: u8 = 1; // only IFF_NOARP survives
export const CHANGED_MASK: u8 = 2; // a mask that is not leading ones is sent as "0"
export const CHANGED_FAMILY_V6: u8 = 3; // a route's family is v6 whatever its addresses say
