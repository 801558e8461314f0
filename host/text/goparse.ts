// Go's text parsers for addresses, reproduced byte for byte: `net.ParseIP`, `net.ParseCIDR`,
// `net.ParseMAC` (Go 1.19, the toolchain the fixtures were made with) and vishvananda
// netlink's `ParseAddr` (v1.2.1-beta.2). Kata feeds DAN files and agent messages through
// these, so what they accept, the exact byte slices they return (4- vs 16-byte IPv4) and
// their error texts all reach the guest or the user; a "nicer" parser would change both.
//
// Input is a JS string standing for the Go string's UTF-8 bytes. Every accepted form is
// ASCII, so a non-ASCII character simply fails like any other bad byte would.

const IPV4_LEN = 4;
const IPV6_LEN = 16;

/** Go's net.IPNet: the IP and mask exactly as Go holds them (lengths may differ). */
export interface GoIPNet {
  ip: Uint8Array;
  mask: Uint8Array;
}

/** netlink.Addr as ParseAddr builds it: the IP keeps its host bits; the label follows a space. */
export interface GoAddr {
  ipNet: GoIPNet;
  label: string;
}

/** An error whose `message` is exactly Go's `err.Error()` text. */
export class GoParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoParseError";
  }
}

// Go's parsers give up on numbers this large; below it no overflow is possible.
const TOO_BIG = 0xffffff;

interface ScannedNumber {
  value: number;
  length: number;
  ok: boolean;
}

function isDecimalDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function hexDigitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/** Go's `dtoi`: leading decimal digits of s[from:], failing at TOO_BIG or when there are none. */
function scanDecimal(s: string, from: number): ScannedNumber {
  let value = 0;
  let length = 0;
  while (from + length < s.length && isDecimalDigit(s.charCodeAt(from + length))) {
    value = value * 10 + (s.charCodeAt(from + length) - 0x30);
    if (value >= TOO_BIG) return { value: TOO_BIG, length, ok: false };
    length++;
  }
  return { value, length, ok: length > 0 };
}

/** Go's `xtoi`: leading hex digits of s[from:], same limits as scanDecimal. */
function scanHex(s: string, from: number): ScannedNumber {
  let value = 0;
  let length = 0;
  while (from + length < s.length) {
    const digit = hexDigitValue(s.charCodeAt(from + length));
    if (digit < 0) break;
    value = value * 16 + digit;
    if (value >= TOO_BIG) return { value: 0, length, ok: false };
    length++;
  }
  return { value, length, ok: length > 0 };
}

/** net.IPv4(a, b, c, d): the 16-byte IPv4-in-IPv6 form Go's parsers return. */
function ipv4InIpv6(octets: ArrayLike<number>): Uint8Array {
  const ip = new Uint8Array(IPV6_LEN);
  ip[10] = 0xff;
  ip[11] = 0xff;
  ip.set(octets, 12);
  return ip;
}

/** Go's `parseIPv4`: exactly four decimal octets, no leading zeros (Go ≥ 1.17), 16 bytes out. */
function parseIPv4(s: string): Uint8Array | null {
  const octets = new Uint8Array(IPV4_LEN);
  let at = 0;
  for (let i = 0; i < IPV4_LEN; i++) {
    if (at >= s.length) return null;
    if (i > 0) {
      if (s[at] !== ".") return null;
      at++;
    }
    const octet = scanDecimal(s, at);
    if (!octet.ok || octet.value > 0xff) return null;
    if (octet.length > 1 && s[at] === "0") return null;
    octets[i] = octet.value;
    at += octet.length;
  }
  return at === s.length ? ipv4InIpv6(octets) : null;
}

/**
 * Go 1.19's `parseIPv6`: hex groups of any digit count up to 0xffff, one `::`, an embedded
 * dotted IPv4 tail, no zone. (Go ≥ 1.22 rejects groups of more than four digits; the
 * fixtures' Go accepts them.)
 */
function parseIPv6(s: string): Uint8Array | null {
  const ip = new Uint8Array(IPV6_LEN);
  let ellipsis = -1;
  let at = 0;
  if (s.startsWith("::")) {
    ellipsis = 0;
    at = 2;
    if (at === s.length) return ip;
  }
  let filled = 0;
  while (filled < IPV6_LEN) {
    const group = scanHex(s, at);
    if (!group.ok || group.value > 0xffff) return null;
    if (at + group.length < s.length && s[at + group.length] === ".") {
      // The rest is a dotted IPv4 address filling the last four bytes.
      if (ellipsis < 0 && filled !== IPV6_LEN - IPV4_LEN) return null;
      if (filled + IPV4_LEN > IPV6_LEN) return null;
      const v4 = parseIPv4(s.slice(at));
      if (v4 === null) return null;
      ip.set(v4.subarray(12), filled);
      filled += IPV4_LEN;
      at = s.length;
      break;
    }
    ip[filled] = group.value >> 8;
    ip[filled + 1] = group.value & 0xff;
    filled += 2;
    at += group.length;
    if (at === s.length) break;
    if (s[at] !== ":" || at + 1 === s.length) return null;
    at++;
    if (s[at] === ":") {
      if (ellipsis >= 0) return null;
      ellipsis = filled;
      at++;
      if (at === s.length) break;
    }
  }
  if (at !== s.length) return null;
  if (filled < IPV6_LEN) {
    if (ellipsis < 0) return null;
    // Slide the groups after `::` to the end; the gap is zeros.
    const shift = IPV6_LEN - filled;
    ip.copyWithin(ellipsis + shift, ellipsis, filled);
    ip.fill(0, ellipsis, ellipsis + shift);
  } else if (ellipsis >= 0) {
    return null; // `::` must stand for at least one zero group
  }
  return ip;
}

/**
 * net.ParseIP: the first `.` or `:` decides IPv4 or IPv6. IPv4 comes back as 16 bytes;
 * anything invalid (zones, leading zeros, junk) is `null`, Go's nil — never an error.
 */
export function parseIP(s: string): Uint8Array | null {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ".") return parseIPv4(s);
    if (s[i] === ":") return parseIPv6(s);
  }
  return null;
}

/** net.CIDRMask(ones, bits). */
export function cidrMask(ones: number, bits: number): Uint8Array {
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < mask.length; i++) {
    const onesHere = Math.max(0, Math.min(8, ones - i * 8));
    mask[i] = (0xff00 >> onesHere) & 0xff;
  }
  return mask;
}

/**
 * IP.Mask(mask) for the shapes ParseCIDR produces: a 4-byte mask applied to an
 * IPv4-in-IPv6 address yields a 4-byte network address.
 */
function applyMask(ip: Uint8Array, mask: Uint8Array): Uint8Array {
  const isV4InV6 = ip.length === IPV6_LEN && ip.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff));
  const source = mask.length === IPV4_LEN && isV4InV6 ? ip.subarray(12) : ip;
  return source.map((byte, i) => byte & mask[i]);
}

function invalidCIDR(s: string): GoParseError {
  return new GoParseError(`invalid CIDR address: ${s}`);
}

/**
 * net.ParseCIDR: returns the IP as written (16 bytes even for IPv4) and the network with
 * host bits cleared (4-byte IP and mask for dotted IPv4, 16 bytes otherwise). The prefix
 * length is decimal and may have leading zeros, as Go's dtoi allows.
 */
export function parseCIDR(s: string): { ip: Uint8Array; ipNet: GoIPNet } {
  const slash = s.indexOf("/");
  if (slash < 0) throw invalidCIDR(s);
  const addressText = s.slice(0, slash);
  const lengthText = s.slice(slash + 1);
  let bits = IPV4_LEN * 8;
  let ip = parseIPv4(addressText);
  if (ip === null) {
    bits = IPV6_LEN * 8;
    ip = parseIPv6(addressText);
  }
  const prefix = scanDecimal(lengthText, 0);
  if (ip === null || !prefix.ok || prefix.length !== lengthText.length || prefix.value > bits) {
    throw invalidCIDR(s);
  }
  const mask = cidrMask(prefix.value, bits);
  return { ip, ipNet: { ip: applyMask(ip, mask), mask } };
}

/**
 * netlink.ParseAddr: text before the first space is a CIDR (a leading space leaves an empty
 * one), the second space-separated part is the label, anything later is ignored. Unlike
 * ParseCIDR's network, the address keeps its host bits (16-byte IP, mask as ParseCIDR gave).
 */
export function parseAddr(s: string): GoAddr {
  const parts = s.split(" ");
  const cidrText = parts.length > 1 ? parts[0] : s;
  const label = parts.length > 1 ? parts[1] : "";
  const { ip, ipNet } = parseCIDR(cidrText);
  return { ipNet: { ip, mask: ipNet.mask }, label };
}

const MAC_LENGTHS = new Set([6, 8, 20]); // Ethernet, EUI-64, IP over InfiniBand

/** Two hex digits at s[at], as a byte; -1 if either is not hex. */
function hexPairAt(s: string, at: number): number {
  const high = hexDigitValue(s.charCodeAt(at));
  const low = hexDigitValue(s.charCodeAt(at + 1));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/** Go's `xtoi2` separator rule: a group must be followed by `separator` unless it ends s. */
function separatorOk(s: string, at: number, separator: string): boolean {
  return at >= s.length || s[at] === separator;
}

function invalidMAC(s: string): GoParseError {
  // Go's AddrError leaves out the "address <s>: " part when the address is empty.
  return new GoParseError(s === "" ? "invalid MAC address" : `address ${s}: invalid MAC address`);
}

/**
 * net.ParseMAC: 6, 8 or 20 bytes as `xx:xx:..`, `xx-xx-..` (one separator throughout) or
 * dotted `xxxx.xxxx.xxxx`, hex digits of either case.
 */
export function parseMAC(s: string): Uint8Array {
  if (s.length < 14) throw invalidMAC(s);
  if (s[2] === ":" || s[2] === "-") {
    if ((s.length + 1) % 3 !== 0) throw invalidMAC(s);
    const mac = new Uint8Array((s.length + 1) / 3);
    if (!MAC_LENGTHS.has(mac.length)) throw invalidMAC(s);
    for (let i = 0; i < mac.length; i++) {
      const byte = hexPairAt(s, i * 3);
      if (byte < 0 || !separatorOk(s, i * 3 + 2, s[2])) throw invalidMAC(s);
      mac[i] = byte;
    }
    return mac;
  }
  if (s[4] === ".") {
    if ((s.length + 1) % 5 !== 0) throw invalidMAC(s);
    const mac = new Uint8Array((2 * (s.length + 1)) / 5);
    if (!MAC_LENGTHS.has(mac.length)) throw invalidMAC(s);
    for (let i = 0; i < mac.length; i += 2) {
      const at = (i / 2) * 5;
      const high = hexPairAt(s, at);
      const low = hexPairAt(s, at + 2);
      if (high < 0 || low < 0 || !separatorOk(s, at + 4, ".")) throw invalidMAC(s);
      mac[i] = high;
      mac[i + 1] = low;
    }
    return mac;
  }
  throw invalidMAC(s);
}
