// The numbers of the private records by which the host hands the core what the kernel
// does not say (input/records.ts decodes them, host/wire/records.ts encodes them): message
// types, then the attribute types inside each. Exported from the module, so the host's
// encoder reads them from here.

export const KATANET_PCI_PATH: u16 = 0x7f01;
export const KATANET_BUS_INFO: u16 = 0x7f02;
export const KATANET_VHOST_USER: u16 = 0x7f03;
export const KATANET_CCW_DEVICE: u16 = 0x7f04;
export const KATANET_ENDPOINT: u16 = 0x7f10;

// in the four hint messages
export const RECORD_HINT_NAME: u16 = 1;
export const RECORD_HINT_VALUE: u16 = 2;

// in KATANET_ENDPOINT
export const RECORD_ENDPOINT_NAME: u16 = 1;
export const RECORD_ENDPOINT_TYPE: u16 = 2;
export const RECORD_ENDPOINT_HWADDR: u16 = 3;
export const RECORD_ENDPOINT_PCI_PATH: u16 = 4;
export const RECORD_ENDPOINT_MTU: u16 = 5; // u64
export const RECORD_ENDPOINT_RAW_FLAGS: u16 = 6;
export const RECORD_ENDPOINT_ADDR: u16 = 7; // nested: RECORD_IPNET_*
export const RECORD_ENDPOINT_ROUTE: u16 = 8; // nested: RECORD_ROUTE_*
export const RECORD_ENDPOINT_NEIGH: u16 = 9; // nested: RECORD_NEIGH_*

export const RECORD_IPNET_IP: u16 = 1;
export const RECORD_IPNET_MASK: u16 = 2;

export const RECORD_ROUTE_DST: u16 = 1; // nested: RECORD_IPNET_*
export const RECORD_ROUTE_GW: u16 = 2;
export const RECORD_ROUTE_SRC: u16 = 3;
export const RECORD_ROUTE_SCOPE: u16 = 4;
export const RECORD_ROUTE_FAMILY: u16 = 5;
export const RECORD_ROUTE_FLAGS: u16 = 6;
export const RECORD_ROUTE_MTU: u16 = 7;
export const RECORD_ROUTE_PROTOCOL: u16 = 8;

export const RECORD_NEIGH_IP: u16 = 1;
export const RECORD_NEIGH_LLADDR: u16 = 2;
export const RECORD_NEIGH_STATE: u16 = 3;
export const RECORD_NEIGH_FLAGS: u16 = 4;
