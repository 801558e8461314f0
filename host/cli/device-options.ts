// --arch and --ccw-device, for the commands that end in a conversion (scan, convert): which
// architecture's rules apply, and the CCW devices an s390x hypervisor would assign.
import { HOST_ARCH, KATA_ARCHES } from "../arch.ts";
import { UsageError } from "./command.ts";

export const deviceOptions = {
  arch: { type: "string" },
  "ccw-device": { type: "string", multiple: true, default: [] as string[] },
} as const;

export const DEVICE_USAGE = `  --arch         the GOARCH whose rules apply (${KATA_ARCHES.join(", ")}); default: this machine's, ${HOST_ARCH}
  --ccw-device   IFNAME=0.SSID.DEVNO: an interface's CCW device; on s390x it is the device path`;

export interface DeviceChoice {
  arch: string;
  ccwDevices: Record<string, string>;
}

export function parseDeviceOptions(values: { arch?: string; "ccw-device": string[] }): DeviceChoice {
  const arch = values.arch ?? HOST_ARCH;
  if (!(KATA_ARCHES as readonly string[]).includes(arch)) {
    throw new UsageError(`--arch must be one of ${KATA_ARCHES.join(", ")} (Go's names), not "${arch}"`);
  }
  const ccwDevices = parseNamedValues("--ccw-device", "IFNAME=0.SSID.DEVNO", "eth0=0.0.0001", values["ccw-device"]);
  if (arch !== "s390x" && Object.keys(ccwDevices).length > 0) {
    throw new UsageError(`--ccw-device needs --arch s390x: on ${arch} Kata sends the PCI path`);
  }
  return { arch, ccwDevices };
}

/** A repeated KEY=VALUE option as a map; the last value for a key wins. */
export function parseNamedValues(flag: string, form: string, example: string, values: string[]): Record<string, string> {
  const named: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) throw new UsageError(`${flag} takes ${form} (for example ${example}), not "${value}"`);
    named[value.slice(0, at)] = value.slice(at + 1);
  }
  return named;
}
