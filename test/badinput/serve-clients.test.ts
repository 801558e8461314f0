// Runs every bad client of the catalogue against its own `katanet serve` (the real command,
// a child process watching its own namespace, so no root is needed) and checks what the
// client gets: the HTTP status and body of a refused upgrade, or the close code and reason
// of a stream the server ends; and that docs/bad-input.md shows each row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { packageFile } from "../../host/paths.ts";
import { CLIENT_CATALOGUE, markdownCell, TOKEN, type BadClient } from "./catalogue.ts";

const CLI = packageFile("dist", "host", "cli.js");
const EXIT_GRACE_MS = 5000;
const directory = mkdtempSync(join(tmpdir(), "katanet-badclient-"));
process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
const tokenFile = join(directory, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

interface Serving {
  child: ChildProcess;
  /** ws://127.0.0.1:PORT, whatever address it listens on. */
  url: string;
}

/** Starts `katanet serve ARGS` and waits for its "listening on" line. */
async function startServe(args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [CLI, "serve", ...args.map((arg) => arg.replace("TOKEN_FILE", tokenFile))], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (text: string) => {
      stderr += text;
      const port = /listening on ws:\/\/\S+:(\d+)\n/.exec(stderr)?.[1];
      if (port) resolve(`ws://127.0.0.1:${port}`);
    });
    child.once("exit", (code) => reject(new Error(`katanet serve exited (${code}) before listening: ${stderr}`)));
  });
  try {
    return { child, url: await listening };
  } catch (error) {
    await stopServe(child);
    throw error;
  }
}

/** SIGTERM through process.kill (Deno's child.kill would record the signal as the cause of
 * exit); SIGKILL if it does not exit in time. */
async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  process.kill(child.pid!, "SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function open(url: string, row: BadClient): WebSocket {
  const options = { headers: row.headers, origin: row.origin };
  return row.protocol === undefined ? new WebSocket(url, options) : new WebSocket(url, row.protocol, options);
}

/** What the client gets: "HTTP status" with the body's first line, or "close code" with the reason. */
function outcome(socket: WebSocket, frame: BadClient["frame"]): Promise<{ gets: string; message: string }> {
  return new Promise((resolve, reject) => {
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("end", () => {
        resolve({ gets: `HTTP ${response.statusCode}`, message: body.split("\n")[0] });
        socket.terminate();
      });
    });
    socket.once("open", () => {
      if (frame !== undefined) socket.send(frame);
    });
    socket.once("close", (code, reason) => resolve({ gets: `close ${code}`, message: reason.toString() }));
    // After one of the outcomes above, a later error (the refused socket cut) changes nothing.
    socket.on("error", reject);
  });
}

async function connected(url: string, row: BadClient): Promise<WebSocket> {
  const socket = open(url, row);
  await once(socket, "open");
  return socket;
}

const cliMissing = existsSync(CLI) ? false : `${CLI} is not built`;

for (const row of CLIENT_CATALOGUE) {
  test(`bad client of katanet serve: ${row.kind}`, { skip: cliMissing }, async () => {
    const serving = await startServe(row.serveArgs);
    const holders: WebSocket[] = [];
    try {
      for (let i = 0; i < (row.clientsBefore ?? 0); i++) holders.push(await connected(serving.url, row));
      const result = await outcome(open(`${serving.url}${row.path ?? ""}`, row), row.frame);
      assert.deepEqual(result, { gets: row.gets, message: row.message });
    } finally {
      for (const holder of holders) holder.terminate();
      await stopServe(serving.child);
    }
  });
}

test("docs/bad-input.md lists every bad client with what it gets", () => {
  const doc = readFileSync(packageFile("docs", "bad-input.md"), "utf8");
  for (const row of CLIENT_CATALOGUE) {
    const line = doc.split("\n").find((l) => l.startsWith(`| ${row.kind} |`));
    assert.ok(line, `no row for "${row.kind}"`);
    assert.ok(line.includes(`| ${row.does} |`), `what the client does in "${row.kind}"`);
    assert.ok(line.includes(`| ${row.gets} |`), `outcome of "${row.kind}"`);
    if (row.message !== "") assert.ok(line.includes(markdownCell(row.message)), `message of "${row.kind}"`);
  }
});
