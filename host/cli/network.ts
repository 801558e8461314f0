// katanet mac / model / pair: the small generators of network.go.
import { parseArgs } from "node:util";
import { createNetworkInterfacePair, generatePrivateMac, modelName, parseModel } from "../network.ts";
import { type Command, EXIT_OK, UsageError } from "./command.ts";

function wholeNumber(value: string, option: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${option} takes a whole number up to ${max}, not "${value}"`);
  return Number(value);
}

export const macCommand: Command = {
  name: "mac",
  usage: `katanet mac [--count N]

Prints private unicast MAC addresses generated as Kata does (random, locally administered),
one a line.

  --count   how many (default 1, at most 1000000), for example --count 4

examples:
  katanet mac
  katanet mac --count 4`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { count: { type: "string", default: "1" } } });
    const count = wholeNumber(values.count, "--count", 1_000_000);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(generatePrivateMac());
    io.out(lines.join("\n") + (count > 0 ? "\n" : ""));
    return EXIT_OK;
  },
};

export const modelCommand: Command = {
  name: "model",
  usage: `katanet model NAME

Parses an interworking model name with Kata's rules (SetModel) and prints its value and the
name Kata's GetModel gives back, as JSON. NAME is default, macvtap, tcfilter or none;
any other name is Kata's "Unknown type" error.

examples:
  katanet model tcfilter`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError("give one model name");
    const model = parseModel(positionals[0]);
    io.out(JSON.stringify({ name: positionals[0], value: model, getModel: modelName(model) }) + "\n");
    return EXIT_OK;
  },
};

export const pairCommand: Command = {
  name: "pair",
  usage: `katanet pair INDEX [--name IFNAME] [--model default|macvtap|tcfilter|none]

Prints, as JSON, the network interface pair Kata would describe for endpoint INDEX: bridge
and tap names, the interface name, a fresh private MAC and an id. It creates nothing: no
link, no tap, no namespace change.

  --name    the pair's interface name (default: eth INDEX, as Kata names it), for example
            --name net1
  --model   the interworking model (default "default"), for example --model tcfilter

examples:
  katanet pair 0
  katanet pair 3 --name net1 --model macvtap`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { name: { type: "string", default: "" }, model: { type: "string", default: "default" } },
    });
    if (positionals.length !== 1) throw new UsageError("give the pair's index");
    const index = wholeNumber(positionals[0], "INDEX", Number.MAX_SAFE_INTEGER);
    io.out(JSON.stringify(createNetworkInterfacePair(index, values.name, parseModel(values.model)), null, 2) + "\n");
    return EXIT_OK;
  },
};
