// One exit code per kind of error, the same for every command (README "Exit codes"):
// usage 2, bad input 2 (too large, not JSON, a busy port), and the help every command gives.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_INPUT_BYTES } from "../../host/cli/read-input.ts";
import { count } from "../../host/text/count.ts";
import { repoRoot } from "../support/fixtures.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "katanet-exit-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function katanet(args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", input, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const COMMANDS = [...katanet(["--help"]).stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((match) => match[1]);

test("the command list is read from katanet --help", () => {
  assert.deepEqual(COMMANDS, ["scan", "convert", "explain", "capture", "watch", "serve", "apply", "follow", "attach", "detach", "mac", "pair", "model"]);
});

test("katanet --version prints package.json's version", () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version: string };
  assert.deepEqual(katanet(["--version"]), { status: 0, stdout: `katanet ${version}\n`, stderr: "" });
});

for (const command of COMMANDS) {
  test(`katanet ${command}: help explains every option with examples; an unknown option exits 2 with the usage`, () => {
    const help = katanet([command, "--help"]);
    assert.equal(help.status, 0);
    assert.deepEqual(katanet(["help", command]), help, "katanet help CMD is katanet CMD --help");
    const lines = help.stdout.split("\n");
    // Each option of the synopsis (the first paragraph) has a line of its own below.
    const synopsis = help.stdout.split("\n\n")[0];
    for (const option of new Set(synopsis.match(/--[a-z][a-z-]*/g) ?? [])) {
      assert.ok(lines.some((line) => new RegExp(`^ +(-[a-z], )?${option}\\b`).test(line)), `${command} --help does not explain ${option}`);
    }
    const examples = lines.indexOf("examples:");
    assert.ok(examples > 0 && lines[examples + 1].startsWith("  katanet "), `${command} --help has no examples`);

    const bad = katanet([command, "--bogus"]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.ok(bad.stderr.startsWith(`katanet ${command}: Unknown option '--bogus'`), bad.stderr);
    assert.match(bad.stderr, new RegExp(`\\nusage: katanet ${command}`));
  });
}

test("pair says that it creates nothing", () => {
  assert.match(katanet(["pair", "--help"]).stdout, /It creates nothing/);
  assert.match(katanet(["--help"]).stdout, /pair +print .*\(creates nothing\)/);
});

test("counts read right in the singular", () => {
  assert.equal(`${count(1, "write")} applied`, "1 write applied");
  assert.equal(`${count(2, "write")} applied`, "2 writes applied");
});

/** Every command that reads an input file, with FILE where the path goes. */
const READERS = [
  ["convert", "FILE"],
  ["convert", "--endpoints", "FILE"],
  ["convert", "--dan", "FILE"],
  ["apply", "FILE"],
];

test("an input past the size limit exits 2 naming the file, whatever the command", () => {
  const huge = join(scratch, "huge.json");
  // Sparse: the size is there, the disk blocks are not, and nothing reads them.
  const fd = openSync(huge, "w");
  writeFileSync(fd, "{");
  closeSync(fd);
  spawnSync("truncate", ["-s", String(MAX_INPUT_BYTES + 1), huge]);
  for (const args of READERS) {
    const command = args[0];
    const result = katanet(args.map((arg) => (arg === "FILE" ? huge : arg)));
    assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.equal(result.stderr, `katanet ${command}: ${huge} is larger than 256 MiB, the most katanet reads\n`);
  }
});

test("input that is not JSON is refused at its first byte, even if it never ends", async () => {
  for (const [index, args] of READERS.filter((reader) => !reader.includes("--dan")).entries()) {
    // A pipe of its own each time: katanet leaves the rest of what it refused unread.
    const fifo = join(scratch, `endless-${index}`);
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    // The writer keeps the pipe open: reading it whole would never finish.
    const writer = spawn("sh", ["-c", `exec 3>"$1"; printf 'hello' >&3; sleep 60`, "sh", fifo], { stdio: "ignore" });
    try {
      const child = spawn(process.execPath, [cli, ...args.map((arg) => (arg === "FILE" ? fifo : arg))], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(status, 2, stderr);
      assert.equal(stderr, `katanet ${args[0]}: ${fifo} is not JSON: it starts with "h" at byte 0, not { or [\n`);
    } finally {
      writer.kill();
    }
  }
});

test("serve on a port already in use exits 2 naming the address", async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, "serve", "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("close", (status) => resolve({ status, stderr }));
    });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, `katanet serve: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
  } finally {
    holder.close();
  }
});

test("docs/bad-input.md shows the errors tested here", () => {
  const doc = readFileSync(join(repoRoot(), "docs", "bad-input.md"), "utf8");
  for (const message of [
    "katanet convert: FILE is larger than 256 MiB, the most katanet reads",
    'katanet apply: FILE is not JSON: it starts with "h" at byte 0, not { or [',
    "katanet serve: cannot listen on 127.0.0.1:PORT: listen EADDRINUSE: address already in use 127.0.0.1:PORT",
    "katanet scan: Unknown option '--bogus'",
  ]) {
    assert.ok(doc.includes(`\`${message}\``), `docs/bad-input.md lacks ${message}`);
  }
});
