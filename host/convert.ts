// The conversions a user asks for, each ending in the one Wasm converter: a capture of a
// namespace's dumps, endpoints described by hand, or a DAN file.
import { asCapture, captureInput, type Capture } from "./capture.ts";
import { defaultCore } from "./default-core.ts";
import { KatanetCore } from "./core.ts";
import { MalformedInputError } from "./core-errors.ts";
import { type Conversion, type ConvertOptions } from "./core-types.ts";
import { danToEndpointSpecs, type GuestPciPaths } from "./dan/convert.ts";
import type { EndpointSpec } from "./dan/endpoint-spec.ts";
import { NetlinkBuilder } from "./netlink/builder.ts";
import { tagConversion, traced } from "./trace.ts";
import { encodeCcwDevices, encodeEndpointSpecs, EndpointSpecError } from "./wire/records.ts";

export { defaultCore };

/** generateVCNetworkStructures over the core's input, in a span. */
function generate(core: KatanetCore, input: Uint8Array, options: ConvertOptions): Conversion {
  return traced("generate", {}, (span) => tagConversion(span, core.convertBytes(input, options)));
}

export function convertCapture(capture: Capture | unknown, options: ConvertOptions = {}, core = defaultCore()): Conversion {
  const input = captureInput(asCapture(capture), core.abi);
  try {
    return generate(core, input.bytes, options);
  } catch (error) {
    if (error instanceof MalformedInputError && error.offset >= 0) {
      throw new MalformedInputError(error.detail, error.offset, input.describeOffset(error.offset));
    }
    throw error;
  }
}

export interface EndpointConvertOptions extends ConvertOptions {
  /** s390x guests' CCW bus ids (0.SSID.DEVNO) by interface name, as the hypervisor assigns them. */
  ccwDevices?: Record<string, string>;
}

/** Endpoints in structs.json's EndpointSpec form go straight to generateVCNetworkStructures: no sorting, no skipping. */
export function convertEndpoints(specs: readonly EndpointSpec[], options: EndpointConvertOptions = {}, core = defaultCore()): Conversion {
  if (!Array.isArray(specs)) throw new EndpointSpecError("endpoint specs must be a JSON array of endpoint descriptions");
  const records = new NetlinkBuilder();
  encodeEndpointSpecs(records, core.abi, specs);
  encodeCcwDevices(records, core.abi, options.ccwDevices ?? {});
  return generate(core, records.finish(), options);
}

/** A DAN file as Kata reads it; throws DanError with Kata's text when Kata would fail. */
export function convertDan(file: Uint8Array, pciPaths: GuestPciPaths = {}, options: EndpointConvertOptions = {}, core = defaultCore()): Conversion {
  const { endpoints } = danToEndpointSpecs(file, pciPaths);
  return convertEndpoints(endpoints, options, core);
}
