// `npm run build:cli`: the installed `katanet` command (bin/katanet.js) as a few bundled
// files in dist/cli/. Unbundled, a one-shot command spends much of its life resolving and
// compiling the hundred-odd modules of dist/host/ one by one. Each command stays a chunk
// of its own, loaded on demand as host/cli.ts's table says. The library (dist/host/, what
// `import "katanet"` and Deno use) is left as tsc builds it.
import { rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const outdir = "dist/cli";
/** Which sources each output file holds (esbuild's metafile), for tests of what a command
 * loads; beside dist/cli/, so not in the package. */
const BUNDLE_META = "dist/cli-meta.json";
// Chunk names carry a hash: files of an earlier build would linger in the package.
rmSync(outdir, { recursive: true, force: true });

const { metafile } = await build({
  // The dump worker is an entry of its own beside the chunks: host/netlink/dump-thread.ts
  // starts it by a URL relative to the module that holds the dump thread.
  entryPoints: ["host/cli.ts", "host/netlink/dump-worker.ts"],
  outdir,
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Less source for V8 to scan at every start. Names are shortened too: the bundle's
  // output is checked against dist/host/'s (test/cli/bundle.test.ts).
  minify: true,
  // koffi finds its native library beside its own files; @opentelemetry/api must be the
  // application's copy (host/trace.ts); ws and prom-client serve long-running commands
  // only. protobufjs (some forty CommonJS files, for text and json output) is bundled.
  external: ["koffi", "@opentelemetry/api", "ws", "prom-client"],
  metafile: true,
  logLevel: "warning",
});
writeFileSync(BUNDLE_META, JSON.stringify(metafile));
