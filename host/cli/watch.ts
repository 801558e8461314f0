// katanet watch: a namespace's changes, as the agent requests they amount to, printed
// as they happen until interrupted.
import { parseArgs } from "node:util";
import { envelopeToJson, type Envelope } from "../watch/envelope.ts";
import { envelopeToText } from "../watch/envelope-text.ts";
import { watch } from "../watch/watch.ts";
import { type Command, EXIT_OK, UsageError } from "./command.ts";
import { parseRule } from "./conversion-output.ts";

const FORMATS = ["text", "json"] as const;

export const watchCommand: Command = {
  name: "watch",
  usage: `katanet watch [--netns NAME|PATH|PID] [--format text|json] [--coalesce-ms N]
        [--neighbors seed|preseed-gateway]

Prints a snapshot of the namespace, then each change as the agent requests it causes, until
interrupted. Only what changed is sent: an interface update, the route set when it differs,
neighbours that are new. Links Kata would reject are left out and named.

  --netns        the namespace (name, path or process id); default: this process's own
  --format       text (default) or json (one katanet.Envelope per line, protojson names,
                 proto/katanet.proto)
  --coalesce-ms  the longest a change waits while notifications keep coming (default 20);
                 a burst is rescanned 1 ms after its last notification, for example
                 --coalesce-ms 100
  --neighbors    seed (default) or preseed-gateway: see katanet scan --help

examples:
  katanet watch --netns mypod
  katanet watch --format json --coalesce-ms 100 --neighbors preseed-gateway | jq .`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        netns: { type: "string" },
        format: { type: "string", default: "text" },
        "coalesce-ms": { type: "string" },
        neighbors: { type: "string", default: "seed" },
      },
    });
    if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be text or json, not "${values.format}"`);
    const render = values.format === "json" ? (envelope: Envelope) => `${JSON.stringify(envelopeToJson(envelope))}\n` : envelopeToText;
    const stream = watch({
      netns: values.netns,
      coalesceMs: parseWholeNumber("--coalesce-ms", values["coalesce-ms"]),
      neighbourRule: parseRule(values.neighbors),
    });
    void io.stopped.then(() => stream.stop());
    for await (const envelope of stream) io.out(render(envelope));
    return EXIT_OK;
  },
};

/** An optional whole number given as text (`minimum` or more); undefined keeps the library's default. */
export function parseWholeNumber(option: string, value: string | undefined, minimum = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < minimum) throw new UsageError(`${option} takes a whole number ≥ ${minimum}, not "${value}"`);
  return Number(value);
}
