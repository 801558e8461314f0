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
  usage: "katanet mac [--count N]",
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
  usage: "katanet model NAME    (default, macvtap, tcfilter, none)",
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
  usage: "katanet pair INDEX [--name IFNAME] [--model default|macvtap|tcfilter|none]",
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
