// katanet capture: a namespace's raw dumps and hints, for bug reports and offline replay
// with `katanet convert`.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { capture } from "../scan.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { parsePciPaths } from "./conversion-output.ts";

export const captureCommand: Command = {
  name: "capture",
  usage: `katanet capture [--netns NAME|PATH|PID] [--pci-path IFNAME=PATH]... [-o FILE]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { netns: { type: "string" }, "pci-path": { type: "string", multiple: true, default: [] }, output: { type: "string", short: "o" } },
    });
    const text = JSON.stringify(capture({ netns: values.netns, pciPaths: parsePciPaths(values["pci-path"]), dumpThread: false }), null, 2) + "\n";
    if (values.output === undefined) io.out(text);
    else writeFileSync(values.output, text);
    return EXIT_OK;
  },
};
