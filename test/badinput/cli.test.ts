// Runs every row of the bad-input catalogue through the real command line and checks the
// exit code and the first line of standard error, exactly; and that docs/bad-input.md
// shows each row's message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageFile } from "../../host/paths.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsUnavailable } from "../support/netns.ts";
import { asNobody } from "../support/nobody.ts";
import { CATALOGUE, markdownCell, type BadInput } from "./catalogue.ts";

const CLI = packageFile("dist", "host", "cli.js");
const directory = mkdtempSync(join(tmpdir(), "katanet-badinput-"));
process.on("exit", () => rmSync(directory, { recursive: true, force: true }));

function run(row: BadInput, index: number): { exit: number | null; stderr: string; file: string } {
  const file = join(directory, `input-${index}.json`);
  if (row.file !== undefined) writeFileSync(file, row.file);
  const namespace = row.namespace ? createNamespace() : "";
  try {
    if (row.setup) ipBatch(namespace, row.setup);
    const args = row.args.map((arg) => arg.replace("FILE", file).replace(/^NS$/, namespace));
    const command = row.namespace === "as-nobody"
      ? asNobody([process.execPath, CLI, ...args])
      : [process.execPath, CLI, ...args];
    const child = spawnSync(command[0], command.slice(1), { input: row.stdin ?? "", encoding: "utf8", timeout: 30_000 });
    return { exit: child.status, stderr: child.stderr.replaceAll(namespace || "\0", "NS"), file };
  } finally {
    if (namespace) {
      deleteNamespaces(namespace);
      assertCleanState();
    }
  }
}

const cliMissing = existsSync(CLI) ? false : `${CLI} is not built`;

CATALOGUE.forEach((row, index) => {
  const skip = cliMissing || (row.namespace ? namespaceTestsUnavailable() ?? false : false);
  test(`bad input: ${row.kind}`, { skip }, () => {
    const { exit, stderr, file } = run(row, index);
    const expected = row.file === undefined ? row.stderr : row.stderr.replaceAll("FILE", file);
    assert.equal(stderr.split("\n")[0], expected, stderr);
    assert.equal(exit, row.exit, stderr);
  });
});

test("docs/bad-input.md lists every catalogue row with its exit code and message", () => {
  const doc = readFileSync(packageFile("docs", "bad-input.md"), "utf8");
  for (const row of CATALOGUE) {
    const line = doc.split("\n").find((l) => l.startsWith(`| ${row.kind} |`));
    assert.ok(line, `no row for "${row.kind}"`);
    assert.ok(line.includes(`| ${row.exit} |`), `exit code of "${row.kind}"`);
    if (row.stderr !== "") assert.ok(line.includes(markdownCell(row.stderr)), `message of "${row.kind}"`);
  }
});
