#!/usr/bin/env node
// The installed `katanet` command. It lives outside dist/ so that it is in the package
// from the start, executable, whatever order npm links binaries and builds dist/ in. It
// runs the bundled command line (bundle-cli.mjs), which starts faster than dist/host/.
import module from "node:module";

// Node 22.1 and later keep V8's compiled code of the bundle between runs (in the system's
// temporary directory); older Node has no such cache and compiles it at every start. The
// bundle is imported after this, so that it is compiled with the cache on.
module.enableCompileCache?.();
const { runProcess } = await import("../dist/cli/cli.js");

await runProcess();
