// A DAN file to endpoint specs, as Kata's `addDanEndpoints` builds its endpoint list:
// decode the whole file with encoding/json rules, convert each device (before its type is
// checked, so a bad MAC wins over an unknown type), accept only "vfio", then sort by name.
// The specs then take the same path as scanned endpoints, so there is one converter.

import { decodeDanConfig } from "./dan-config.ts";
import { danDeviceToSpec, DeviceConversionError } from "./device-to-spec.ts";
import type { EndpointSpec } from "./endpoint-spec.ts";
import { DanError, locate } from "./errors.ts";
import { JsonTypeError } from "./go-decode.ts";
import { JsonSyntaxError } from "./json.ts";

/** Host PCI id (`pci_device_id`, e.g. "0000:85:02.5") → guest PCI path ("02/00"). */
export type GuestPciPaths = Readonly<Record<string, string>>;

const VFIO = "vfio"; // the only DAN device type Kata knows at the seed commit

/** Throws DanError with Kata's exact message. */
export function danToEndpointSpecs(bytes: Uint8Array, pciPaths: GuestPciPaths): { endpoints: EndpointSpec[] } {
  const config = decodeOrExplain(bytes);
  const endpoints: EndpointSpec[] = [];
  for (const device of config.devices ?? []) {
    let spec: EndpointSpec;
    try {
      spec = danDeviceToSpec(device);
    } catch (error) {
      if (error instanceof DeviceConversionError) throw new DanError(error.message, device.name, null, endpoints);
      throw error;
    }
    if (device.device.type !== VFIO) {
      throw new DanError(`unknown DAN device type: '${device.device.type}'`, device.name, null, endpoints);
    }
    const hostBDF = device.device.pciDeviceId;
    // A device whose path is unknown keeps "" (Kata fails later, when it sends the list).
    const pciPath = Object.hasOwn(pciPaths, hostBDF) ? pciPaths[hostBDF] : "";
    endpoints.push({ ...spec, type: VFIO, pciPath, hostBDF });
  }
  return { endpoints: sortByName(endpoints) };
}

function decodeOrExplain(bytes: Uint8Array) {
  try {
    return decodeDanConfig(bytes);
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof JsonTypeError) {
      throw new DanError(`fail to unmarshal DAN config: ${error.message}`, null, locate(bytes, error.offset), []);
    }
    throw error;
  }
}

/**
 * Kata's sort.Slice on Name(): byte-wise (UTF-8 order = code point order, not JS's UTF-16
 * order). Equal names keep their input order, as Go's insertion sort does for the fewer
 * than 13 endpoints a pod has in practice.
 */
function sortByName(endpoints: EndpointSpec[]): EndpointSpec[] {
  return endpoints.sort((a, b) => compareCodePoints(a.name, b.name));
}

function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    if (x.value !== y.value) return x.value.codePointAt(0)! - y.value.codePointAt(0)!;
  }
}
