// A capture: the input half of a live fixture. `netlink` holds every RTM_NEW* message of
// the four dumps as hex (whole nlmsghdr + payload); `pciPaths`, `ccwDevices` and `hints` are what a
// hypervisor and the scan's probes would add. Fixture files are valid captures, and
// `katanet capture` writes this shape.
import { Buffer } from "node:buffer";
import { NetlinkBuilder } from "./netlink/builder.ts";
import { align4, messageLength, NLMSG_HDRLEN } from "./netlink/messages.ts";
import { encodeCcwDevices, encodeHints, encodePciPaths, type CaptureHints } from "./wire/records.ts";
import type { CoreAbi } from "./core-abi.ts";
import { EXIT_BAD_INPUT } from "./exit-codes.ts";

export const DUMP_KINDS = ["links", "addrs", "routes", "neighs"] as const;
export type DumpKind = (typeof DUMP_KINDS)[number];

export interface Capture {
  netlink: Record<DumpKind, string[]>;
  pciPaths?: Record<string, string>;
  /** s390x guests' CCW bus ids (0.SSID.DEVNO) by interface name. */
  ccwDevices?: Record<string, string>;
  hints?: CaptureHints;
}

/** Where a capture is wrong, named precisely enough to find it in the file. */
export class CaptureFormatError extends Error {
  override name = "CaptureFormatError";
  readonly exitCode = EXIT_BAD_INPUT;
}

/** Checks the shape of parsed JSON and returns it as a Capture. */
export function asCapture(value: unknown): Capture {
  if (!isObject(value)) throw new CaptureFormatError("a capture must be a JSON object");
  const netlink = value.netlink;
  if (!isObject(netlink)) throw new CaptureFormatError('a capture needs a "netlink" object with links, addrs, routes and neighs');
  for (const kind of DUMP_KINDS) {
    const messages = netlink[kind];
    if (!Array.isArray(messages) || messages.some((m) => typeof m !== "string")) {
      throw new CaptureFormatError(`netlink.${kind} must be an array of hex strings`);
    }
  }
  checkStringMap(value.pciPaths, "pciPaths");
  checkStringMap(value.ccwDevices, "ccwDevices");
  if (value.hints !== undefined) {
    if (!isObject(value.hints)) throw new CaptureFormatError('"hints" must be an object');
    checkStringMap(value.hints.busInfo, "hints.busInfo");
    checkStringMap(value.hints.vhostUserSockets, "hints.vhostUserSockets");
  }
  return value as unknown as Capture;
}

/** Where in a capture file a byte of the core's input came from. */
interface MessagePlace {
  start: number;
  name: string;
}

export interface CaptureInput {
  bytes: Uint8Array;
  /** Names the capture message holding an input offset, e.g. "netlink.routes[3], byte 20". */
  describeOffset(offset: number): string;
}

/** The core's input for a capture: the messages, then the PCI paths and hints as records (in `abi`'s numbers). */
export function captureInput(capture: Capture, abi: CoreAbi): CaptureInput {
  const records = new NetlinkBuilder();
  encodePciPaths(records, abi, capture.pciPaths ?? {});
  encodeCcwDevices(records, abi, capture.ccwDevices ?? {});
  encodeHints(records, abi, capture.hints ?? {});
  const recordBytes = records.finish();
  const messages = DUMP_KINDS.flatMap((kind) =>
    capture.netlink[kind].map((hex, index) => {
      const name = `netlink.${kind}[${index}]`;
      return { name, bytes: wholeMessage(decodeHex(hex, name), name) };
    }),
  );
  const bytes = new Uint8Array(messages.reduce((sum, m) => sum + align4(m.bytes.length), 0) + recordBytes.length);
  const places: MessagePlace[] = [];
  let at = 0;
  for (const message of messages) {
    places.push({ start: at, name: message.name });
    bytes.set(message.bytes, at);
    at += align4(message.bytes.length);
  }
  places.push({ start: at, name: "pciPaths/hints" });
  bytes.set(recordBytes, at);
  return { bytes, describeOffset: (offset) => describe(places, offset) };
}

function describe(places: MessagePlace[], offset: number): string {
  let place = places[0];
  for (const candidate of places) if (candidate.start <= offset) place = candidate;
  return place ? `${place.name}, byte ${offset - place.start}` : `byte ${offset}`;
}

/**
 * Each entry is one whole message, so its own length field must match its bytes; a
 * mismatch caught here is named at its entry, not at whatever follows it in the input.
 */
function wholeMessage(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < NLMSG_HDRLEN) throw new CaptureFormatError(`${name}: ${bytes.length} bytes, shorter than a netlink header (${NLMSG_HDRLEN})`);
  const declared = messageLength(bytes);
  if (declared !== bytes.length) {
    throw new CaptureFormatError(`${name}: the message declares ${declared} bytes but its hex holds ${bytes.length}`);
  }
  return bytes;
}

export function decodeHex(hex: string, where: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new CaptureFormatError(`${where}: odd number of hex digits (${hex.length})`);
  const bad = hex.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    const pair = bad - (bad % 2);
    throw new CaptureFormatError(`${where}: "${hex.slice(pair, pair + 2)}" at character ${pair} is not hex`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function encodeHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkStringMap(value: unknown, field: string): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw new CaptureFormatError(`"${field}" must be an object of strings`);
  }
}
