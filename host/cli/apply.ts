// katanet apply: configure a namespace from agent requests, as Kata's agent configures its
// guest. Exit codes: 0 applied, 2 bad input (JSON, base64, protobuf, a bad field, a MAC or
// device with no link, an MTU the device refuses, a bad namespace) with nothing written,
// 3 the kernel refused a write part-way (what was applied, undone and not applied is
// printed; the agent would fail the same way), 1 anything unexpected.
import { parseArgs } from "node:util";
import { apply } from "../apply/apply.ts";
import { ApplyInputError, parsePb64Json } from "../apply/input.ts";
import { ApplyError, type ApplyReport } from "../apply/steps.ts";
import { NamespaceError } from "../netlink/netns.ts";
import { type CliIO, type Command, EXIT_BAD_INPUT, EXIT_KATA_ERROR, EXIT_OK, UsageError } from "./command.ts";
import { InputFileError, readInput } from "./read-input.ts";

export const applyCommand: Command = {
  name: "apply",
  usage: `katanet apply [--netns NAME|PATH|PID] [--agent-semantics] [FILE|-]

  FILE               what \`katanet scan/convert --format pb64\` prints ("-" or nothing reads
                     stdin); its routes replace the namespace's, but an empty route list
                     leaves them alone (Kata sends no route update then)
  --netns            the namespace to configure (default: katanet's own)
  --agent-semantics  stop at the first refused write and leave the namespace as it then is,
                     exactly as Kata's agent does (default: undo what this apply changed,
                     so the namespace is as it was before)

  The whole input is checked against the namespace before the first write (MACs, names,
  MTU ranges, devices). SIGINT/SIGTERM stop it between two writes, and undo them.

  exit codes: 0 applied, 2 bad input (nothing written), 3 the kernel refused a write
  part-way (applied, undone and not-applied steps are listed), 1 unexpected

examples:
  katanet scan --netns pod --format pb64 | katanet apply --netns guest
  katanet apply --netns guest --agent-semantics pod.pb64.json`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { netns: { type: "string" }, "agent-semantics": { type: "boolean", default: false } },
    });
    if (positionals.length > 1) throw new UsageError("give at most one input FILE");
    const path = positionals[0] ?? "-";
    const stop = new AbortController();
    void io.stopped.then(() => stop.abort());
    try {
      const text = new TextDecoder().decode(await readInput(path, io, { json: true }));
      const requests = parsePb64Json(text, path === "-" ? "standard input" : path);
      printReport(await apply(requests, { netns: values.netns, agentSemantics: values["agent-semantics"] }, { signal: stop.signal }), io);
      return EXIT_OK;
    } catch (error) {
      return reportApplyFailure(error, io, "apply");
    }
  },
};

export function printReport(report: ApplyReport, io: CliIO): void {
  for (const step of report.applied) io.out(`applied  ${step}\n`);
  for (const step of report.skipped) io.out(`skipped  ${step}\n`);
}

/** What a rollback undid (nothing is printed with the agent's semantics, which has none). */
export function printRollback(error: ApplyError, io: CliIO): void {
  if (error.undone === undefined) return;
  for (const step of error.undone) io.err(`  undone       ${step}\n`);
  for (const step of error.undoFailed) io.err(`  NOT undone   ${step}\n`);
  io.err(error.undoFailed.length === 0 ? "  the namespace is as it was before\n" : "  the namespace could not be fully restored\n");
}

/** The exit code and message for a failed apply; rethrows what it does not know. */
export function reportApplyFailure(error: unknown, io: CliIO, command: string): number {
  if (error instanceof ApplyInputError || error instanceof InputFileError || error instanceof NamespaceError) {
    io.err(`katanet ${command}: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof ApplyError) {
    io.err(`katanet ${command}: failed: ${error.message}\n`);
    for (const step of error.applied) io.err(`  applied      ${step}\n`);
    io.err(`  failed       ${error.failed.step}\n`);
    for (const step of error.notApplied) io.err(`  not applied  ${step}\n`);
    printRollback(error, io);
    return EXIT_KATA_ERROR;
  }
  throw error;
}
