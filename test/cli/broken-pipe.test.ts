// A reader that goes away (`katanet watch | head -2`) ends a command quietly: exit 0,
// nothing on standard error, for one-shot output and for a stream alike.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../support/fixtures.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");

interface Ended {
  status: number | null;
  signal: string | null;
  stderr: string;
}

/** Runs katanet, closes its standard output after the first `lines` lines, and calls
 * `meanwhile` until the command ends (it must write again to notice the reader is gone). */
function readThenClose(args: string[], lines: number, meanwhile: () => void = () => {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let poke: ReturnType<typeof setInterval> | undefined;
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.split("\n").length > lines && poke === undefined) {
        child.stdout.destroy();
        poke = setInterval(meanwhile, 200);
      }
    });
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearInterval(poke);
      resolve({ status, signal, stderr });
    });
  });
}

test("a one-shot command whose reader closes early exits 0 and says nothing", async () => {
  const ended = await readThenClose(["mac", "--count", "100000"], 1);
  assert.deepEqual(ended, { status: 0, signal: null, stderr: "" });
});

test("katanet watch whose reader closes stops at its next write, exit 0, nothing on stderr", { skip: namespaceTestsSkip() }, async () => {
  const namespace = createNamespace();
  after(() => {
    deleteNamespaces(namespace);
    assertCleanState();
  });
  ipBatch(namespace, [...QUIET_VETH_PAIR, "addr add 10.7.0.2/24 dev veth0"]);
  let mtu = 1400;
  // Each MTU change is a new envelope: the first write after the reader left ends watch.
  const ended = await readThenClose(["watch", "--netns", namespace], 2, () => ipBatch(namespace, [`link set veth0 mtu ${mtu++}`]));
  assert.deepEqual(ended, { status: 0, signal: null, stderr: "" });
});
