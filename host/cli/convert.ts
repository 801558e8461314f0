// katanet convert: what Kata would send for a capture, hand-described endpoints, or a DAN file.
import { parseArgs } from "node:util";
import type { Conversion, ConvertOptions } from "../core-types.ts";
import { convertCapture, convertEndpoints, defaultCore } from "../convert.ts";
import { danToEndpointSpecs } from "../dan/convert.ts";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { kernelLinks, type KernelLink } from "../format/link-flags.ts";
import { type CliIO, type Command, EXIT_OK, UsageError } from "./command.ts";
import { DEVICE_USAGE, deviceOptions, parseDeviceOptions } from "./device-options.ts";
import { checkDeviceKeys, conversionOptions, parseFormat, parsePciPaths, parseRule, writeConversion } from "./conversion-output.ts";
import { readInput, readJson } from "./read-input.ts";

export const convertCommand: Command = {
  name: "convert",
  usage: `katanet convert CAPTURE.json | --endpoints SPEC.json | --dan FILE
        [--pci-path KEY=PATH]... [--keep-going] [--neighbors seed|preseed-gateway]
        [--format json|pb64|text] [--arch GOARCH] [--ccw-device IFNAME=0.SSID.DEVNO]...

Prints what Kata's runtime would send its guest agent for an input read from a file
("-" reads standard input; inputs are JSON of at most 256 MiB).

  CAPTURE.json   a namespace's saved netlink dumps: what katanet capture writes
  --endpoints    a JSON array of endpoints described by hand (docs/endpoints.md), for
                 example --endpoints endpoints.json
  --dan          a Kata DAN config file (docs/dan.md), for example
                 --dan /run/kata-containers/dans/SANDBOX.json
  --pci-path     the guest PCI path of an interface: KEY=PATH where KEY is an interface
                 name (capture) or the host PCI id, pci_device_id, of a vfio device (DAN),
                 for example --pci-path eth0=02/00 or --pci-path 0000:85:02.5=02/00; a KEY
                 that matches no interface is an error
  --keep-going   (captures) leave out each link Kata would reject and convert the rest; each
                 left-out link is listed (text: "not sent:", otherwise on standard error)
  --neighbors    seed (default) or preseed-gateway: see katanet scan --help
  --format       json (default: the decoded messages), pb64 (the six messages in base64)
                 or text (like ip address / ip route / ip neigh)
${DEVICE_USAGE}

examples:
  katanet capture -o host.json && katanet convert host.json --keep-going --format text
  katanet convert --endpoints endpoints.json --format pb64
  katanet convert --dan sandbox.json --pci-path 0000:85:02.5=02/00 --neighbors preseed-gateway
  katanet convert --endpoints endpoints.json --arch s390x --ccw-device eth0=0.0.0001`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...conversionOptions, endpoints: { type: "string" }, dan: { type: "string" }, "keep-going": { type: "boolean", default: false }, ...deviceOptions },
    });
    const sources = [positionals.length > 0, values.endpoints !== undefined, values.dan !== undefined].filter(Boolean).length;
    if (sources !== 1 || positionals.length > 1) {
      throw new UsageError("give exactly one of CAPTURE.json, --endpoints SPEC.json or --dan FILE");
    }
    if (values["keep-going"] && positionals.length === 0) {
      throw new UsageError("--keep-going is for captures: Kata converts endpoints and DAN devices without skipping any");
    }
    const rule = parseRule(values.neighbors);
    const format = parseFormat(values.format, "json");
    const pciPaths = parsePciPaths(values["pci-path"]);
    const { arch, ccwDevices } = parseDeviceOptions(values);
    const options = { rules: [rule], keepGoing: values["keep-going"], arch, ccwDevices };
    let conversion: Conversion;
    let links: ReadonlyMap<string, KernelLink> | undefined;
    if (values.dan !== undefined) {
      const { endpoints } = danToEndpointSpecs(await readInput(values.dan, io), pciPaths);
      checkDeviceKeys("--pci-path", pciPaths, endpoints.flatMap((endpoint) => endpoint.hostBDF ?? []), "vfio device's pci_device_id in the DAN file");
      conversion = convertEndpoints(endpoints, options);
    } else if (values.endpoints !== undefined) {
      if (Object.keys(pciPaths).length > 0) throw new UsageError("--pci-path does not apply to --endpoints: give each endpoint its pciPath");
      conversion = convertEndpoints((await readJson(values.endpoints, io)) as EndpointSpec[], options);
    } else {
      ({ conversion, links } = await convertCaptureFile(positionals[0], { pciPaths, ccwDevices }, options, io));
    }
    // A capture's keys were checked against its links; the others name endpoints.
    if (!links) checkDeviceKeys("--ccw-device", ccwDevices, conversion.endpoints.map((endpoint) => endpoint.name), "endpoint of the input");
    await writeConversion(conversion, rule, format, io, "convert", links);
    return EXIT_OK;
  },
};

async function convertCaptureFile(path: string, devices: { pciPaths: Record<string, string>; ccwDevices: Record<string, string> }, options: ConvertOptions, io: CliIO): Promise<{ conversion: Conversion; links: ReadonlyMap<string, KernelLink> }> {
  const capture = (await readJson(path, io)) as { pciPaths?: Record<string, string>; ccwDevices?: Record<string, string> };
  if (capture && typeof capture === "object" && !Array.isArray(capture)) {
    capture.pciPaths = { ...(capture.pciPaths ?? {}), ...devices.pciPaths };
    capture.ccwDevices = { ...(capture.ccwDevices ?? {}), ...devices.ccwDevices };
  }
  const core = defaultCore();
  const conversion = convertCapture(capture, options, core);
  const links = kernelLinks(core.inputBytes());
  checkDeviceKeys("--pci-path", devices.pciPaths, links.keys(), "interface in the capture");
  checkDeviceKeys("--ccw-device", devices.ccwDevices, links.keys(), "interface in the capture");
  return { conversion, links };
}
