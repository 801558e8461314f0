// katanet explain: every object of a namespace, capture, endpoint list or DAN file, marked
// sent, dropped or changed with Kata's rule, and what the guest agent would make of it.
import { parseArgs } from "node:util";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { breaksGuest, explain, type ExplainSource } from "../explain/explain.ts";
import { formatExplanation } from "../explain/text.ts";
import { type Command, EXIT_GUEST_BROKEN, EXIT_OK, UsageError } from "./command.ts";
import { conversionOptions, parsePciPaths, parseRule } from "./conversion-output.ts";
import { readInput, readJson } from "./read-input.ts";

export const explainCommand: Command = {
  name: "explain",
  usage: `katanet explain [--netns NAME|PATH|PID | CAPTURE.json | --endpoints SPEC.json | --dan FILE]
        [--pci-path KEY=PATH]... [--neighbors seed|preseed-gateway] [--format text|json]

Lists every link, address, route and neighbour, marked sent, dropped or changed with the
rule that decided it, then the findings: what Kata or the guest agent would refuse, and what
would leave the guest unreachable. Default source: this process's own namespace.

  --netns        the namespace to explain: a name (/var/run/netns/NAME), a path, or a
                 process id (/proc/PID/ns/net), for example --netns mypod
  CAPTURE.json   a namespace's saved dumps, as katanet capture writes them
  --endpoints    a JSON array of endpoints described by hand (docs/endpoints.md)
  --dan          a Kata DAN config file (docs/dan.md)
  --pci-path     the guest PCI path of an interface (or, with --dan, of a host PCI id),
                 for example --pci-path eth0=02/00
  --neighbors    seed (default) or preseed-gateway: see katanet scan --help
  --format       text (default: one line per object, then the findings) or json (one
                 object: {"items": [...], "findings": [...]})

exit codes: 0 nothing above a warning; 4 a finding would break the guest network; 2 bad
input; 3 Kata cannot even read the input (a bad PCI path, a DAN file it rejects)

examples:
  katanet explain --netns mypod
  katanet explain --dan /run/kata-containers/dans/SANDBOX.json --format json
  katanet capture --netns mypod -o pod.json && katanet explain pod.json --neighbors preseed-gateway`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...conversionOptions, netns: { type: "string" }, endpoints: { type: "string" }, dan: { type: "string" } },
    });
    const given = [positionals.length > 0, values.netns !== undefined, values.endpoints !== undefined, values.dan !== undefined];
    if (given.filter(Boolean).length > 1 || positionals.length > 1) {
      throw new UsageError("give at most one of --netns X, CAPTURE.json, --endpoints SPEC.json or --dan FILE");
    }
    const rule = parseRule(values.neighbors);
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not "${format}"`);
    const pciPaths = parsePciPaths(values["pci-path"]);
    let source: ExplainSource;
    if (values.dan !== undefined) source = { dan: await readInput(values.dan, io), pciPaths };
    else if (values.endpoints !== undefined) source = { endpoints: (await readJson(values.endpoints, io)) as EndpointSpec[] };
    else if (positionals.length > 0) {
      const capture = (await readJson(positionals[0], io)) as { pciPaths?: Record<string, string> };
      if (capture && typeof capture === "object") capture.pciPaths = { ...(capture.pciPaths ?? {}), ...pciPaths };
      source = { capture };
    } else source = { netns: values.netns, pciPaths };
    const explanation = await explain(source, { rule });
    io.out(format === "json" ? JSON.stringify(explanation, null, 2) + "\n" : formatExplanation(explanation));
    return breaksGuest(explanation) ? EXIT_GUEST_BROKEN : EXIT_OK;
  },
};
