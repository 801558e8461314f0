// katanet attach / detach: connect a pod's network namespace to a VM the way Kata's runtime
// does, print what the VMM must open and what the guest agent must be told, and undo it.
import process from "node:process";
import { parseArgs } from "node:util";
import { attach, AttachError, ATTACH_MODELS, detach, type AttachModel, type Attachment } from "../attach/index.ts";
import type { AttachedEndpoint } from "../attach/types.ts";
import { type CliIO, type Command, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNEXPECTED, UsageError } from "./command.ts";
import { parsePciPaths, parseRule } from "./conversion-output.ts";

/** Test seam: make attach fail right after step K, to check that it rolls back. */
const FAIL_AFTER_VARIABLE = "KATANET_ATTACH_FAIL_AFTER";

export const attachCommand: Command = {
  name: "attach",
  usage: `katanet attach [--netns NAME|PATH|PID] [--model tcfilter|macvtap|none|default] [--queues N]
        [--vhost] [--pci-path IFNAME=PATH]... [--neighbors seed|preseed-gateway] [--format text|json]
        [--follow [--detach-on-exit]]

Connects every endpoint of the namespace to a VM as Kata's runtime does and prints, for each,
what the VMM opens (tap name and ifindex, /dev/tapN for macvtap, guest MAC, MTU, queues) and
the agent messages the guest gets. Taps persist: run \`katanet detach\` to take it all back.
Attaching an attached namespace reports the existing attachment and changes nothing.

  --netns      /var/run/netns/NAME, a path, or /proc/PID/ns/net; default: this process's own
               e.g. --netns pod1, --netns /run/netns/pod1, --netns 4242
  --model      tcfilter (default, = default): a tap tap<i>_kata with u32 mirred redirects
               both ways; macvtap: a macvtap on the pod link, which lends it its MAC and
               addresses; none: nothing is created (the VM shares the host network)
               e.g. --model macvtap
  --queues     0 (default): single-queue tap; N: multi-queue with N queues (Kata: N vCPUs)
               e.g. --queues 4
  --vhost      also open /dev/vhost-net per queue, to check it is there (the descriptors
               close when the command ends) e.g. --vhost
  --pci-path   the guest PCI path of an interface, for the agent messages
               e.g. --pci-path eth0=02/00
  --neighbors  which neighbours the agent is sent (default seed) e.g. --neighbors preseed-gateway
  --format     text (default) or json e.g. --format json
  --follow     keep going (needs --netns): attach endpoints that appear later, detach those
               that go; one JSON line per change ({"event":"attached"|"detached"|"skipped"|
               "failed",...}), the first ones for what is attached at the start. SIGINT or
               SIGTERM stops following and leaves the attachments
  --detach-on-exit  with --follow: detach everything when stopped

Exit codes: 0 attached (or already attached); 2 the namespace or machine is in the way (a
taken tap name, a missing device): the step, the link and the kernel's error are printed and
everything this attach did is undone; 1 anything else. KATANET_ATTACH_FAIL_AFTER=K in the
environment makes attach fail right after step K (a test seam; it is undone the same way).

examples:
  katanet attach --netns pod1
  katanet attach --netns pod1 --model macvtap --queues 4 --format json
  katanet attach --netns pod1 --follow --detach-on-exit`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        netns: { type: "string" },
        model: { type: "string", default: "default" },
        queues: { type: "string", default: "0" },
        vhost: { type: "boolean", default: false },
        "pci-path": { type: "string", multiple: true, default: [] as string[] },
        neighbors: { type: "string", default: "seed" },
        format: { type: "string", default: "text" },
        follow: { type: "boolean", default: false },
        "detach-on-exit": { type: "boolean", default: false },
      },
    });
    const rule = parseRule(values.neighbors);
    const format = parseOutputFormat(values.format);
    const options = {
      netns: values.netns,
      model: parseModelOption(values.model),
      queues: parseQueues(values.queues),
      vhost: values.vhost,
      pciPaths: parsePciPaths(values["pci-path"]),
      neighbors: rule,
      keepFds: false,
      failAfterStep: failAfterFromEnvironment(),
    };
    if (values["detach-on-exit"] && !values.follow) throw new UsageError("--detach-on-exit goes with --follow");
    if (values.follow) {
      if (options.netns === undefined) throw new UsageError("--follow needs --netns");
      if (options.model === "none") throw new UsageError("--follow has nothing to follow with --model none (nothing is created)");
      const { followAttachments } = await import("./attach-follow.ts");
      const follow = attachOrExplain(io, "attach", () => followAttachments({ ...options, netns: options.netns! }, values["detach-on-exit"], io));
      return typeof follow === "number" ? follow : await follow;
    }
    const attachment = attachOrExplain(io, "attach", () => attach(options));
    if (typeof attachment === "number") return attachment;
    const messages = attachment.messages[rule];
    if (!messages) throw new Error(`the scan has no agent messages for the ${rule} rule`);
    // Loaded here, not with the command: detach and --follow print no agent messages.
    const [{ decodeMessages, toDecodedJson }, { formatText }] = await Promise.all([import("../format/decoded.ts"), import("../format/text.ts")]);
    const decoded = decodeMessages(messages);
    if (format === "json") {
      io.out(JSON.stringify({ ...summary(attachment), agent: toDecodedJson(decoded) }, null, 2) + "\n");
    } else {
      io.out(attachmentText(attachment) + "\nagent messages:\n" + formatText(decoded));
    }
    return EXIT_OK;
  },
};

export const detachCommand: Command = {
  name: "detach",
  usage: `katanet detach [--netns NAME|PATH|PID] [--format text|json]

Takes back what \`katanet attach\` did in the namespace, newest step first: taps and macvtaps
deleted, the ingress qdiscs and filters removed, the pod link's MAC, addresses and routes
restored, the link left up or down as it was. Works after the attaching process died; with
nothing attached it changes nothing and exits 0.

  --netns   /var/run/netns/NAME, a path, or /proc/PID/ns/net; default: this process's own
            e.g. --netns pod1
  --format  text (default) or json e.g. --format json

examples:
  katanet detach --netns pod1
  katanet detach --netns /proc/4242/ns/net --format json`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { netns: { type: "string" }, format: { type: "string", default: "text" } } });
    const format = parseOutputFormat(values.format);
    const result = attachOrExplain(io, "detach", () => detach({ netns: values.netns }));
    if (typeof result === "number") return result;
    if (format === "json") io.out(JSON.stringify(result) + "\n");
    else if (result.alreadyClean) io.out("nothing attached: nothing changed\n");
    else io.out(`detached: ${result.detached.join(", ")}\n`);
    return EXIT_OK;
  },
};

/** Runs attach or detach; an AttachError is printed here (step, link, kernel text) and
 * becomes its exit code: 2 when the namespace or machine is the cause, 1 otherwise. */
function attachOrExplain<T>(io: CliIO, command: string, run: () => T): T | number {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof AttachError)) throw error;
    io.err(`katanet ${command}: ${error.message}\n`);
    return error.causedByInput ? EXIT_BAD_INPUT : EXIT_UNEXPECTED;
  }
}

function summary(attachment: Attachment) {
  const { messages: _messages, ...rest } = attachment;
  return rest;
}

function attachmentText(attachment: Attachment): string {
  const lines = [`namespace ${attachment.netns} (inode ${attachment.namespaceId})${attachment.existing ? ": already attached, nothing changed" : ""}`];
  for (const endpoint of attachment.endpoints) lines.push(...endpointLines(endpoint));
  if (attachment.endpoints.length === 0) lines.push("no endpoint to connect");
  for (const skipped of attachment.skipped) lines.push(`${skipped.name}: left alone: ${skipped.reason}`);
  return lines.join("\n") + "\n";
}

function endpointLines(endpoint: AttachedEndpoint): string[] {
  const head = `${endpoint.name} (${endpoint.type}) model ${endpoint.model}`;
  if (endpoint.model === "none") return [`${head}: nothing created, the VM shares the host network`];
  return [
    head,
    `  tap ${endpoint.tapName} ifindex ${endpoint.tapIndex}${endpoint.devicePath ? ` device ${endpoint.devicePath}` : ""}`,
    `  guest mac ${endpoint.guestMac} mtu ${endpoint.mtu} queues ${endpoint.queues}`,
  ];
}

function parseOutputFormat(value: string): "text" | "json" {
  if (value !== "text" && value !== "json") throw new UsageError(`--format must be text or json, not "${value}"`);
  return value;
}

function parseModelOption(value: string): AttachModel {
  if (!(ATTACH_MODELS as readonly string[]).includes(value)) {
    throw new UsageError(`--model must be tcfilter, macvtap, none or default, not "${value}"`);
  }
  return value as AttachModel;
}

function parseQueues(value: string): number {
  const queues = Number(value);
  if (!/^\d+$/.test(value) || queues > 256) throw new UsageError(`--queues must be a whole number from 0 to 256, not "${value}"`);
  return queues;
}

function failAfterFromEnvironment(): number | undefined {
  const value = process.env[FAIL_AFTER_VARIABLE];
  return value === undefined || value === "" ? undefined : Number(value);
}
