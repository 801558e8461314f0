// katanet convert: what Kata would send for a capture, hand-described endpoints, or a DAN file.
import { parseArgs } from "node:util";
import { convertCapture, convertDan, convertEndpoints } from "../convert.ts";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { type Command, EXIT_OK, UsageError } from "./command.ts";
import { DEVICE_USAGE, deviceOptions, parseDeviceOptions } from "./device-options.ts";
import { conversionOptions, parseFormat, parsePciPaths, parseRule, writeConversion } from "./conversion-output.ts";
import { parseJson, readInput } from "./read-input.ts";

export const convertCommand: Command = {
  name: "convert",
  usage: `katanet convert CAPTURE.json | --endpoints SPEC.json | --dan FILE
        [--pci-path KEY=PATH]... [--neighbors seed|preseed-gateway] [--format json|pb64|text]
        [--arch GOARCH] [--ccw-device IFNAME=0.SSID.DEVNO]...

  CAPTURE.json   the input half of a live fixture (katanet capture writes one; "-" reads stdin)
  --endpoints    a JSON array of endpoints in structs.json's EndpointSpec form
  --dan          a Kata DAN config file; --pci-path keys are host PCI ids (pci_device_id)
  --pci-path     guest PCI path for an interface name (capture) or host PCI id (DAN)
  --format       json (default): decoded messages; pb64: the six messages in base64; text
${DEVICE_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...conversionOptions, ...deviceOptions, endpoints: { type: "string" }, dan: { type: "string" } },
    });
    const sources = [positionals.length > 0, values.endpoints !== undefined, values.dan !== undefined].filter(Boolean).length;
    if (sources !== 1 || positionals.length > 1) {
      throw new UsageError("give exactly one of CAPTURE.json, --endpoints SPEC.json or --dan FILE");
    }
    const rule = parseRule(values.neighbors);
    const format = parseFormat(values.format, "json");
    const pciPaths = parsePciPaths(values["pci-path"]);
    const { arch, ccwDevices } = parseDeviceOptions(values);
    const options = { rules: [rule], arch, ccwDevices };
    let conversion;
    if (values.dan !== undefined) {
      conversion = convertDan(await readInput(values.dan, io), pciPaths, options);
    } else if (values.endpoints !== undefined) {
      const specs = parseJson(await readInput(values.endpoints, io), values.endpoints) as EndpointSpec[];
      conversion = convertEndpoints(specs, options);
    } else {
      const path = positionals[0];
      const capture = parseJson(await readInput(path, io), path) as { pciPaths?: Record<string, string>; ccwDevices?: Record<string, string> };
      if (capture && typeof capture === "object") {
        capture.pciPaths = { ...(capture.pciPaths ?? {}), ...pciPaths };
        capture.ccwDevices = { ...(capture.ccwDevices ?? {}), ...ccwDevices };
      }
      conversion = convertCapture(capture, options);
    }
    await writeConversion(conversion, rule, format, io.out);
    return EXIT_OK;
  },
};
