// Kata's CcwDevice (virtcontainers/types/ccw.go), the device path of an s390x guest's
// interface. The hypervisor hands CcwDeviceFrom a subchannel set id (0 to 3) and the
// device number as hex text, read by strconv.ParseUint(devno, 16, 16); String() prints
// "0.%x.%04x". Users write the whole bus id, 0.SSID.DEVNO: the leading 0 is the channel
// subsystem, always 0 seen from the guest. The ids come as hints keyed by interface name,
// for scanned links and hand-described endpoints alike.
import { lastError, TextBuffer } from "../errors";
import {
  endpoints, E_CCW, E_CCW_LENGTH, hints, H_KIND, H_VALUE, inputBase, NONE, endpointName, endpointNameLength, hintName,
  hintNameLength, hintValueLength,
} from "../model";
import { KATANET_CCW_DEVICE } from "../input/record-types";
import { out } from "../proto/writer";
import { bytesEqual } from "../text/compare";
import { hexDigit, hexGroupAt } from "../text/digits";

const SUBCHANNEL_SET_MAX: i32 = 3;
const DEVNO_MAX: u32 = 0xffff;
/** More digits than any int Kata could be handed: read as a form error, not a number. */
const SSID_DIGITS_MAX: i32 = 9;

// parse's outcomes below zero; at or above zero it is (ssid << 16) | devno.
const BAD_FORM: i32 = -1;
const SSID_OUT_OF_RANGE: i32 = -2;
const DEVNO_SYNTAX: i32 = -3;
const DEVNO_RANGE: i32 = -4;

/** The subchannel set id of the last id parsed, for the range error. */
let parsedSsid: i32 = 0;
/** Where the device number starts in the last id parsed, for strconv's error. */
let devnoStart: i32 = 0;

/** Gives each endpoint its CCW device from the hints and checks them all, as load does PCI paths. */
export function resolveCcwDevices(): bool {
  for (let row = 0; row < endpoints.rows; row++) {
    const name = endpointName(row);
    const nameLength = endpointNameLength(row);
    const hint = findByName(name, nameLength);
    endpoints.set(row, E_CCW, hint == NONE ? 0 : hints.get(hint, H_VALUE));
    endpoints.set(row, E_CCW_LENGTH, hint == NONE ? NONE : hintValueLength(hint));
    if (hint != NONE && !checkCcwDevice(hints.get(hint, H_VALUE), hintValueLength(hint), name, nameLength)) return false;
  }
  return true;
}

function findByName(name: usize, length: i32): i32 {
  for (let row = 0; row < hints.rows; row++) {
    if (hints.get(row, H_KIND) != KATANET_CCW_DEVICE) continue;
    if (bytesEqual(hintName(row), hintNameLength(row), name, length)) return row;
  }
  return NONE;
}

function checkCcwDevice(offset: i32, length: i32, name: usize, nameLength: i32): bool {
  const ptr = inputBase + <usize>offset;
  const parsed = parse(ptr, length);
  if (parsed >= 0) return true;
  const text = lastError.malformed(offset).ascii("CCW device \"").bytes(ptr, length).ascii("\" of ").bytes(name, nameLength).ascii(": ");
  if (parsed == BAD_FORM) {
    text.ascii("not a bus id 0.SSID.DEVNO (SSID in decimal, DEVNO in hex)");
  } else if (parsed == SSID_OUT_OF_RANGE) {
    text.ascii("Subchannel set ID ").decimal(parsedSsid).ascii(" should be in range [0..").decimal(SUBCHANNEL_SET_MAX).ascii("]");
  } else {
    const devno = ptr + <usize>devnoStart;
    const devnoLength = length - devnoStart;
    text.ascii("Failed to parse 0x").bytes(devno, devnoLength).ascii(" as CCW device number: strconv.ParseUint: parsing ");
    quoteAscii(text, devno, devnoLength);
    text.ascii(parsed == DEVNO_SYNTAX ? ": invalid syntax" : ": value out of range");
  }
  return false;
}

/** Writes an endpoint's checked CCW device as String() does; nothing when it has none. */
export function writeCcwDevice(endpoint: i32): void {
  const length = endpoints.get(endpoint, E_CCW_LENGTH);
  if (length <= 0) return;
  const parsed = parse(inputBase + <usize>endpoints.get(endpoint, E_CCW), length);
  out.byte(48);
  out.byte(46);
  out.pos = hexGroupAt(<u32>parsed >> 16, out.pos);
  out.byte(46);
  const devno = <u32>parsed & DEVNO_MAX;
  for (let shift = 12; shift >= 0; shift -= 4) out.pos = hexGroupAt((devno >> <u32>shift) & 15, out.pos);
}

/** The longest String() form: "0." one digit "." four digits. */
export const CCW_DEVICE_TEXT_MAX: i32 = 8;

function parse(ptr: usize, length: i32): i32 {
  if (length < 4 || load<u8>(ptr) != 48 || load<u8>(ptr + 1) != 46) return BAD_FORM;
  let ssid = 0;
  let at = 2;
  while (at < length && load<u8>(ptr + <usize>at) != 46) {
    const c = load<u8>(ptr + <usize>at);
    if (c < 48 || c > 57 || at - 2 >= SSID_DIGITS_MAX) return BAD_FORM;
    ssid = ssid * 10 + (c - 48);
    at++;
  }
  if (at == 2 || at == length) return BAD_FORM;
  parsedSsid = ssid;
  devnoStart = at + 1;
  if (ssid > SUBCHANNEL_SET_MAX) return SSID_OUT_OF_RANGE;
  const devno = parseDevno(ptr + <usize>devnoStart, length - devnoStart);
  return devno < 0 ? devno : (ssid << 16) | devno;
}

/** strconv.ParseUint(text, 16, 16): a bad digit is a syntax error, a value past ffff a range
 * error, whichever comes first from the left; no prefix, sign or underscore. */
function parseDevno(ptr: usize, length: i32): i32 {
  if (length == 0) return DEVNO_SYNTAX;
  let value: u32 = 0;
  for (let i = 0; i < length; i++) {
    const digit = hexDigit(load<u8>(ptr + <usize>i));
    if (digit < 0) return DEVNO_SYNTAX;
    value = (value << 4) | <u32>digit;
    if (value > DEVNO_MAX) return DEVNO_RANGE;
  }
  return <i32>value;
}

/** strconv.Quote for printable ASCII; any other byte as \xNN (Go spells \n, \t and UTF-8 its own way). */
function quoteAscii(text: TextBuffer, ptr: usize, length: i32): void {
  text.byte(34);
  for (let i = 0; i < length; i++) {
    const c = <i32>load<u8>(ptr + <usize>i);
    if (c == 34 || c == 92) text.byte(92).byte(c);
    else if (c >= 32 && c < 127) text.byte(c);
    else text.ascii("\\x").byte(hexChar(c >> 4)).byte(hexChar(c & 15));
  }
  text.byte(34);
}

function hexChar(value: i32): i32 {
  return value < 10 ? 48 + value : 87 + value;
}
