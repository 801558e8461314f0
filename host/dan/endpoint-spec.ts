// An endpoint described by hand rather than scanned: the `EndpointSpec` shape of the Go
// fixtures' structs.json, which is what Kata's `generateVCNetworkStructures` reads from an
// endpoint. DAN devices become these, so they go through the same converter as a scan.
// Only the fields the conversion reads are required; structs.json's extra fields are
// allowed so its objects type-check as they are.

/** A Go net.IP: `hex` is the exact byte slice (4 or 16 bytes, or odd lengths by hand). */
export interface GoIPSpec {
  hex: string;
  text?: string;
}

/** A Go net.IPMask; only `hex` is authoritative. */
export interface GoMaskSpec {
  hex: string;
  prefixLen?: number | null;
  bits?: number;
}

export interface GoIPNetSpec {
  ip: GoIPSpec | null;
  mask: GoMaskSpec | null;
}

export interface EndpointSpec {
  name: string;
  type: string;
  /** `Endpoint.HardwareAddr()`, sent verbatim. */
  hwAddr: string;
  /** Guest PCI path as given (the core normalises it like Kata's PciPathFromString); "" if none. */
  pciPath: string;
  iface: {
    /** Go `int`: uint64(mtu) is what the agent gets, so -1 means 18446744073709551615. */
    mtu: number | bigint;
    rawFlags: number;
    name?: string;
    index?: number;
    linkType?: string;
    hardwareAddrHex?: string | null;
    /** net.Flags, which the conversion never reads. */
    flags?: number;
  };
  addrs: {
    ipnet: GoIPNetSpec | null;
    label?: string;
    flags?: number;
    scope?: number;
    peer?: GoIPNetSpec | null;
    broadcast?: GoIPSpec | null;
  }[];
  routes: {
    dst: GoIPNetSpec | null;
    gw: GoIPSpec | null;
    src: GoIPSpec | null;
    scope: number;
    family: number;
    /** Go `int`s: the conversion truncates them to uint32. */
    flags: number;
    mtu: number;
    protocol: number;
    via?: unknown;
    linkIndex?: number;
    table?: number;
    type?: number;
    priority?: number;
  }[];
  neighbors: {
    ip: GoIPSpec | null;
    /** Lower-case hex of the MAC bytes; "" is an empty non-nil address, null is nil. */
    hardwareAddrHex: string | null;
    /** Go `int`s: the conversion truncates them to int32. */
    state: number;
    flags: number;
    llIPAddr?: GoIPSpec | null;
    family?: number;
    linkIndex?: number;
  }[];
  /** For VFIO endpoints from DAN: the host PCI id the guest path was looked up by. */
  hostBDF?: string;
}
