// katanet apply: configure a namespace from agent requests, as Kata's agent configures its
// guest. Exit codes: 0 applied, 2 bad input (JSON, base64, protobuf, a bad field, a MAC or
// device with no link, a bad namespace) with nothing written, 3 the kernel refused a write
// part-way (what was and was not applied is printed; the agent would fail the same way),
// 1 anything unexpected.
import { parseArgs } from "node:util";
import { apply } from "../apply/apply.ts";
import { ApplyInputError, parsePb64Json } from "../apply/input.ts";
import { ApplyError, type ApplyReport } from "../apply/steps.ts";
import { NamespaceError } from "../netlink/netns.ts";
import { type CliIO, type Command, EXIT_BAD_INPUT, EXIT_KATA_ERROR, EXIT_OK, UsageError } from "./command.ts";
import { InputFileError, readInput } from "./read-input.ts";

export const applyCommand: Command = {
  name: "apply",
  usage: `katanet apply [--netns NAME|PATH|PID] [FILE|-]

  FILE     what \`katanet scan/convert --format pb64\` prints ("-" or nothing reads stdin);
           its routes replace the namespace's, but an empty route list leaves them alone
           (Kata sends no route update then)
  --netns  the namespace to configure (default: katanet's own)

  exit codes: 0 applied, 2 bad input (nothing written), 3 the kernel refused a write
  part-way (applied and not-applied steps are listed), 1 unexpected

examples:
  katanet scan --netns pod --format pb64 | katanet apply --netns guest
  katanet apply --netns guest pod.pb64.json`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { netns: { type: "string" } } });
    if (positionals.length > 1) throw new UsageError("give at most one input FILE");
    const path = positionals[0] ?? "-";
    try {
      const text = new TextDecoder().decode(await readInput(path, io, { json: true }));
      const requests = parsePb64Json(text, path === "-" ? "standard input" : path);
      printReport(apply(requests, { netns: values.netns }), io);
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
    return EXIT_KATA_ERROR;
  }
  throw error;
}
