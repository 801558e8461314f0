// The address texts of agent messages, read as Kata's agent reads them (Rust's IpAddr /
// ipnetwork / its own MAC parser), with errors that name the message field. Every value is
// checked before the first netlink write, so bad input never leaves a namespace half done.

import { parseIP } from "../text/goparse.ts";
import { ApplyInputError } from "./input.ts";

export type Family = 4 | 6;

export interface ParsedIP {
  family: Family;
  /** 4 bytes for IPv4, 16 for IPv6: what netlink attributes carry. */
  bytes: Uint8Array;
}

export interface ParsedPrefix extends ParsedIP {
  length: number;
}

/** `field "value": problem`, the shape of every input error here. */
export function fieldError(field: string, value: string | number, problem: string): ApplyInputError {
  return new ApplyInputError(`${field} ${typeof value === "string" ? JSON.stringify(value) : value}: ${problem}`);
}

/** An IPv4 or IPv6 address; the text decides which (an IPv4-mapped IPv6 text stays IPv6, as in Rust). */
export function parseAddress(field: string, text: string, shown = text): ParsedIP {
  const ip = parseIP(text);
  if (ip === null) throw fieldError(field, shown, shown === text ? "not an IP address" : "not an IP address before the /");
  return text.includes(":") ? { family: 6, bytes: ip } : { family: 4, bytes: ip.subarray(12) };
}

export function familyName(family: Family): string {
  return family === 4 ? "IPv4" : "IPv6";
}

/** A prefix length in decimal, at most 32 or 128 (ipnetwork's limit). `shown` is the
 * whole field value, for errors about a length inside `ADDRESS/LENGTH`. */
export function parsePrefixLength(field: string, text: string, family: Family, shown = text): number {
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(text)) throw fieldError(field, shown, "not a prefix length");
  const length = Number(text);
  if (length > bits) throw fieldError(field, shown, `prefix length out of range for an ${familyName(family)} address (0-${bits})`);
  return length;
}

/** `ADDRESS/LENGTH` or a bare address (a host prefix, as ipnetwork reads it). */
export function parsePrefix(field: string, text: string): ParsedPrefix & { explicitLength: boolean } {
  const slash = text.indexOf("/");
  const address = parseAddress(field, slash < 0 ? text : text.slice(0, slash), text);
  if (slash < 0) return { ...address, length: address.family === 4 ? 32 : 128, explicitLength: false };
  return { ...address, length: parsePrefixLength(field, text.slice(slash + 1), address.family, text), explicitLength: true };
}

/** Six colon-separated groups of one or two hex digits: the agent's parse_mac_address. */
export function parseMac(field: string, text: string): Uint8Array {
  const groups = text.split(":");
  if (groups.length !== 6 || !groups.every((group) => /^[0-9a-fA-F]{1,2}$/.test(group))) {
    throw fieldError(field, text, "not a MAC address (six colon-separated hex bytes)");
  }
  return Uint8Array.from(groups, (group) => parseInt(group, 16));
}


/** The IPFamily enum of a message: 0 is v4, 1 is v6; anything else is not a family. */
export function parseFamilyEnum(field: string, value: number): Family {
  if (value === 0) return 4;
  if (value === 1) return 6;
  throw fieldError(field, value, "not an address family (v4 = 0 or v6 = 1)");
}

/** Checks that an address's text agrees with the family the message states for it. */
export function requireFamily(field: string, text: string, parsed: Family, stated: Family, statedField: string): void {
  if (parsed !== stated) {
    throw fieldError(field, text, `is ${familyName(parsed)} but ${statedField} says v${stated === 4 ? 4 : 6}`);
  }
}

export type AddressKind = "unspecified" | "loopback" | "multicast";

/** Which of the addresses no NIC, gateway or neighbour can meaningfully be, if any. */
export function specialAddressKind(address: ParsedIP): AddressKind | undefined {
  const b = address.bytes;
  if (b.every((byte) => byte === 0)) return "unspecified";
  if (address.family === 4) {
    if (b[0] === 127) return "loopback";
    if (b[0] >= 224 && b[0] <= 239) return "multicast";
    return undefined;
  }
  if (b.subarray(0, 15).every((byte) => byte === 0) && b[15] === 1) return "loopback";
  if (b[0] === 0xff) return "multicast";
  return undefined;
}

/** Refuses an address of one of `refused` kinds, naming the field. */
export function refuseSpecialAddress(field: string, text: string, address: ParsedIP, refused: readonly AddressKind[]): void {
  const kind = specialAddressKind(address);
  if (kind !== undefined && refused.includes(kind)) throw fieldError(field, text, `${kind === "unspecified" ? "an" : "a"} ${kind} address cannot be used here`);
}

/** The kernel's dev_valid_name: 1-15 bytes, not "." or "..", no "/", ":" or whitespace. */
export function checkLinkName(field: string, name: string): void {
  const bytes = new TextEncoder().encode(name).length;
  if (bytes === 0) throw fieldError(field, name, "a link name cannot be empty");
  if (bytes > 15) throw fieldError(field, name, `a link name has at most 15 bytes, this one ${bytes}`);
  if (name === "." || name === "..") throw fieldError(field, name, "not a valid link name");
  if (/[/:\s\0]/.test(name)) throw fieldError(field, name, "a link name cannot contain '/', ':', whitespace or NUL");
}
