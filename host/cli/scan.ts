// katanet scan: this machine's (or a pod's) network namespace as the Kata guest would see it.
import { parseArgs } from "node:util";
import { defaultCore } from "../default-core.ts";
import { kernelLinks } from "../format/link-flags.ts";
import { scan } from "../scan.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { DEVICE_USAGE, deviceOptions, parseDeviceOptions } from "./device-options.ts";
import { checkDeviceKeys, conversionOptions, parseFormat, parsePciPaths, parseRule, writeConversion } from "./conversion-output.ts";

export const scanCommand: Command = {
  name: "scan",
  usage: `katanet scan [--netns NAME|PATH|PID] [--pci-path IFNAME=PATH]... [--keep-going]
        [--neighbors seed|preseed-gateway] [--format text|json|pb64]
        [--arch GOARCH] [--ccw-device IFNAME=0.SSID.DEVNO]...

Reads a network namespace and prints what Kata's runtime would send its guest agent.
Reading the namespace katanet runs in needs no privilege; entering another needs root.

  --netns        the namespace: a name (/var/run/netns/NAME), a path, or a process id
                 (/proc/PID/ns/net); default: this process's own
  --pci-path     the guest PCI path a hypervisor would give an interface (Kata's "bridge/slot"
                 form, hex slots), for example --pci-path eth0=02/00; repeat it per interface;
                 a name that is not a scanned interface is an error
  --keep-going   leave out each link Kata would reject (a bridge with an address, a dummy),
                 convert the rest, and say which links were left out and why: in text under
                 "not sent:", otherwise one line per link on standard error (and in json)
  --neighbors    which neighbours Kata sends: seed (default: permanent entries only, as at
                 the seed commit) or preseed-gateway (later upstream: reachable default-route
                 gateways too, and a MAC is required)
  --format       text (default, like ip address / ip route / ip neigh), json (the decoded
                 messages, protojson names) or pb64 (the six messages in base64, what
                 katanet apply reads)
${DEVICE_USAGE}

examples:
  katanet scan
  katanet scan --netns mypod --pci-path eth0=02/00 --format pb64 > pod.pb64.json
  katanet scan --keep-going --neighbors preseed-gateway --format json
  katanet scan --arch s390x --ccw-device eth0=0.0.0001`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { ...conversionOptions, ...deviceOptions, netns: { type: "string" }, "keep-going": { type: "boolean" } } });
    const rule = parseRule(values.neighbors);
    const format = parseFormat(values.format, "text");
    const pciPaths = parsePciPaths(values["pci-path"]);
    const core = defaultCore();
    const { arch, ccwDevices } = parseDeviceOptions(values);
    const conversion = scan({
      core,
      netns: values.netns,
      pciPaths,
      arch,
      ccwDevices,
      keepGoing: values["keep-going"],
      rules: [rule],
      dumpThread: false, // one scan: starting the thread would cost more than it saves
    });
    // Listing the kernel's links walks every dumped message, routes included: done only
    // when text shows them or a device option names interfaces.
    const devices = Object.keys(pciPaths).length + Object.keys(ccwDevices).length;
    const links = format === "text" || devices > 0 ? kernelLinks(core.inputBytes()) : undefined;
    if (links) {
      checkDeviceKeys("--pci-path", pciPaths, links.keys(), "interface in the namespace");
      checkDeviceKeys("--ccw-device", ccwDevices, links.keys(), "interface in the namespace");
    }
    await writeConversion(conversion, rule, format, io, "scan", links);
    return EXIT_OK;
  },
};
