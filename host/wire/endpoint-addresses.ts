// The addresses of an endpoint described by hand, as the Go byte slices Kata would hold.
// Each may be written as text ("10.0.0.2", "10.0.0.2/24"), as the exact bytes in hex (the
// form structs.json gives, which can also express what no text can, such as a 5-byte IP),
// or both; text and hex that name different addresses are an error. Every error names the
// field ("routes[1].gw.hex") so the user finds it in their file.
import { Buffer } from "node:buffer";
import { cidrMask, GoParseError, parseAddr, parseCIDR, parseIP } from "../text/goparse.ts";

export interface IPNetBytes {
  ip: Uint8Array | null;
  mask: Uint8Array | null;
}

/** A field's value is wrong; `field` is its path inside the endpoint. */
export class AddressFieldError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = "AddressFieldError";
  }
}

/** An IP: "10.0.0.2", { "text": "10.0.0.2" }, { "hex": "0a000002" }, or both; null is Go's nil. */
export function ipBytes(value: unknown, field: string): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return ipFromText(value, field);
  if (typeof value !== "object" || Array.isArray(value)) throw new AddressFieldError(field, `must be an IP address as text or { "hex", "text" }, got ${JSON.stringify(value)}`);
  const { hex, text } = value as { hex?: unknown; text?: unknown };
  if (hex === undefined || hex === null) {
    if (text === undefined || text === null) throw new AddressFieldError(field, 'needs "text" (for example "10.0.0.2") or "hex"');
    return ipFromText(text, `${field}.text`);
  }
  const bytes = hexBytes(hex, `${field}.hex`);
  // Only 4- and 16-byte IPs have a text form; for other lengths `text` is a free comment.
  if (text !== undefined && text !== null && (bytes.length === 4 || bytes.length === 16)) {
    const fromText = ipFromText(text, `${field}.text`);
    if (!sameAddress(fromText, bytes)) throw new AddressFieldError(field, `text ${JSON.stringify(text)} and hex "${hex}" are different addresses`);
  }
  return bytes;
}

/**
 * An address or route destination: "10.0.0.2/24", or { "ip", "mask" } with the mask as
 * { "hex" } or { "prefixLen" } (bits follow the IP's family). An address keeps its host
 * bits as netlink.ParseAddr does; a route destination is the network, as net.ParseCIDR gives.
 */
export function ipNetBytes(value: unknown, field: string, kind: "address" | "destination"): IPNetBytes | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return ipNetFromText(value, field, kind);
  if (typeof value !== "object" || Array.isArray(value)) throw new AddressFieldError(field, `must be a CIDR as text ("10.0.0.2/24") or { "ip", "mask" }, got ${JSON.stringify(value)}`);
  const { ip, mask } = value as { ip?: unknown; mask?: unknown };
  const ipValue = ipBytes(ip, `${field}.ip`);
  return { ip: ipValue, mask: maskBytes(mask, `${field}.mask`, ipValue) };
}

function ipNetFromText(text: string, field: string, kind: "address" | "destination"): IPNetBytes {
  try {
    if (kind === "address") return parseAddr(text).ipNet;
    return parseCIDR(text).ipNet;
  } catch (error) {
    if (error instanceof GoParseError) throw new AddressFieldError(field, `${JSON.stringify(text)} is not a CIDR address such as "10.0.0.2/24" or "fd00::2/64"`);
    throw error;
  }
}

function maskBytes(value: unknown, field: string, ip: Uint8Array | null): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw new AddressFieldError(field, `must be { "prefixLen" } or { "hex" }, got ${JSON.stringify(value)}`);
  const { hex, prefixLen, bits } = value as { hex?: unknown; prefixLen?: unknown; bits?: unknown };
  const fromHex = hex === undefined || hex === null ? null : hexBytes(hex, `${field}.hex`);
  if (prefixLen === undefined || prefixLen === null) {
    if (fromHex === null) throw new AddressFieldError(field, 'needs "prefixLen" (for example 24) or "hex"');
    return fromHex;
  }
  const width = bits ?? (fromHex !== null ? fromHex.length * 8 : ip !== null && isIPv4(ip) ? 32 : 128);
  if (width !== 32 && width !== 128) throw new AddressFieldError(`${field}.bits`, `must be 32 or 128, got ${JSON.stringify(bits)}`);
  if (typeof prefixLen !== "number" || !Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > width) {
    throw new AddressFieldError(`${field}.prefixLen`, `must be a whole number from 0 to ${width}, got ${JSON.stringify(prefixLen)}`);
  }
  const fromPrefix = cidrMask(prefixLen, width);
  if (fromHex !== null && !equalBytes(fromHex, fromPrefix)) {
    throw new AddressFieldError(field, `prefixLen ${prefixLen} and hex "${hex}" are different masks`);
  }
  return fromHex ?? fromPrefix;
}

function ipFromText(text: unknown, field: string): Uint8Array {
  const ip = typeof text === "string" ? parseIP(text) : null;
  if (ip === null) throw new AddressFieldError(field, `${JSON.stringify(text)} is not an IP address such as "10.0.0.2" or "fd00::2"`);
  return ip;
}

/** Bytes as hex; used for IPs, masks and MACs. */
export function hexBytes(hex: unknown, field: string): Uint8Array {
  if (typeof hex !== "string" || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new AddressFieldError(field, `must be an even-length hex string, got ${JSON.stringify(hex)}`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

const V4_IN_V6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function isIPv4(ip: Uint8Array): boolean {
  return ip.length === 4 || (ip.length === 16 && V4_IN_V6.every((byte, i) => ip[i] === byte));
}

/** 10.0.0.2 as 4 bytes and as IPv4-in-IPv6 16 bytes are one address, as Go's IP.Equal says. */
function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  const shorten = (ip: Uint8Array) => (ip.length === 16 && isIPv4(ip) ? ip.subarray(12) : ip);
  return equalBytes(shorten(a), shorten(b));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
