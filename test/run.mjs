// The whole test suite, as `npm test` runs it after the build: the TypeScript test files
// under Deno, then their compiled copies under Node's test runner, whose summary closes
// the output. Plain JS so it runs before anything is compiled.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function testFiles(directory, suffix) {
  return readdirSync(directory, { recursive: true })
    .filter((file) => file.endsWith(suffix))
    .map((file) => relative(root, join(directory, file)))
    .sort();
}

function run(command, args) {
  console.log(`\n$ ${command} ${args.length > 8 ? `${args.slice(0, 4).join(" ")} ... (${args.length} arguments)` : args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const deno = join(root, "node_modules", ".bin", "deno");
const denoStatus = run(deno, ["test", "--allow-all", "--no-check", ...testFiles(join(root, "test"), ".test.ts")]);
const nodeStatus = run(process.execPath, ["--test", ...testFiles(join(root, "dist", "test"), ".test.js")]);
if (denoStatus !== 0) console.error(`\nDeno's run of the suite failed (exit ${denoStatus}); see above.`);
process.exitCode = denoStatus || nodeStatus;
