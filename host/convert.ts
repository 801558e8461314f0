// The conversions a user asks for, each ending in the one Wasm converter: a capture of a
// namespace's dumps, endpoints described by hand, or a DAN file.
import { asCapture, captureInput, type Capture } from "./capture.ts";
import { KatanetCore, MalformedInputError, type Conversion, type ConvertOptions } from "./core.ts";
import { danToEndpointSpecs, type GuestPciPaths } from "./dan/convert.ts";
import type { EndpointSpec } from "./dan/endpoint-spec.ts";
import { NetlinkBuilder } from "./netlink/builder.ts";
import { encodeEndpointSpecs, EndpointSpecError } from "./wire/records.ts";

let shared: KatanetCore | undefined;

/** One core per process is enough for the library functions; callers may pass their own. */
export function defaultCore(): KatanetCore {
  shared ??= new KatanetCore();
  return shared;
}

export function convertCapture(capture: Capture | unknown, options: ConvertOptions = {}, core = defaultCore()): Conversion {
  const input = captureInput(asCapture(capture));
  try {
    return core.convertBytes(input.bytes, options);
  } catch (error) {
    if (error instanceof MalformedInputError && error.offset >= 0) {
      throw new MalformedInputError(error.detail, error.offset, input.describeOffset(error.offset));
    }
    throw error;
  }
}

/** Endpoints in structs.json's EndpointSpec form go straight to generateVCNetworkStructures: no sorting, no skipping. */
export function convertEndpoints(specs: readonly EndpointSpec[], options: ConvertOptions = {}, core = defaultCore()): Conversion {
  if (!Array.isArray(specs)) throw new EndpointSpecError("endpoint specs must be a JSON array of endpoint descriptions");
  const records = new NetlinkBuilder();
  encodeEndpointSpecs(records, specs);
  return core.convertBytes(records.finish(), options);
}

/** A DAN file as Kata reads it; throws DanError with Kata's text when Kata would fail. */
export function convertDan(file: Uint8Array, pciPaths: GuestPciPaths = {}, options: ConvertOptions = {}, core = defaultCore()): Conversion {
  const { endpoints } = danToEndpointSpecs(file, pciPaths);
  return convertEndpoints(endpoints, options, core);
}
