// katanet scan: this machine's (or a pod's) network namespace as the Kata guest would see it.
import { parseArgs } from "node:util";
import { scan } from "../scan.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { DEVICE_USAGE, deviceOptions, parseDeviceOptions } from "./device-options.ts";
import { conversionOptions, parseFormat, parsePciPaths, parseRule, writeConversion } from "./conversion-output.ts";

export const scanCommand: Command = {
  name: "scan",
  usage: `katanet scan [--netns NAME|PATH|PID] [--pci-path IFNAME=PATH]... [--keep-going]
        [--neighbors seed|preseed-gateway] [--format text|json|pb64]
        [--arch GOARCH] [--ccw-device IFNAME=0.SSID.DEVNO]...

  --netns        /var/run/netns/NAME, a path, or /proc/PID/ns/net; default: this process's own
  --keep-going   leave out each link Kata would reject, list it with the reason, convert the rest
  --format       text (default), json (decoded messages), pb64 (the six messages in base64)
${DEVICE_USAGE}`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { ...conversionOptions, ...deviceOptions, netns: { type: "string" }, "keep-going": { type: "boolean" } } });
    const rule = parseRule(values.neighbors);
    const format = parseFormat(values.format, "text");
    const { arch, ccwDevices } = parseDeviceOptions(values);
    const conversion = scan({
      netns: values.netns,
      pciPaths: parsePciPaths(values["pci-path"]),
      arch,
      ccwDevices,
      keepGoing: values["keep-going"],
      rules: [rule],
      dumpThread: false, // one scan: starting the thread would cost more than it saves
    });
    await writeConversion(conversion, rule, format, io.out);
    return EXIT_OK;
  },
};
