// katanet capture: a namespace's raw dumps and hints, for bug reports and offline replay
// with `katanet convert`.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultCore } from "../default-core.ts";
import { kernelLinks } from "../format/link-flags.ts";
import { capture } from "../scan.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { checkDeviceKeys, parsePciPaths } from "./conversion-output.ts";

export const captureCommand: Command = {
  name: "capture",
  usage: `katanet capture [--netns NAME|PATH|PID] [--pci-path IFNAME=PATH]... [-o FILE]

Saves a namespace's raw netlink dumps (links, addresses, routes, neighbours) and the hints
Kata probes (ethtool bus-info, vhost-user sockets) as JSON, so that katanet convert gives
the same answer later or elsewhere: for bug reports and offline checks.

  --netns        the namespace (name, path or process id); default: this process's own
  --pci-path     a guest PCI path to record with the capture, for example eth0=02/00
  -o, --output   write to FILE instead of standard output, for example -o pod.json

examples:
  katanet capture --netns mypod -o pod.json
  katanet capture --pci-path eth0=02/00 --output host.json`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { netns: { type: "string" }, "pci-path": { type: "string", multiple: true, default: [] }, output: { type: "string", short: "o" } },
    });
    const pciPaths = parsePciPaths(values["pci-path"]);
    const core = defaultCore();
    const saved = capture({ core, netns: values.netns, pciPaths, dumpThread: false });
    checkDeviceKeys("--pci-path", pciPaths, kernelLinks(core.inputBytes()).keys(), "interface in the namespace");
    const text = JSON.stringify(saved, null, 2) + "\n";
    if (values.output === undefined) io.out(text);
    else writeFileSync(values.output, text);
    return EXIT_OK;
  },
};
