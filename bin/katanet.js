#!/usr/bin/env node
// The installed `katanet` command. It lives outside dist/ so that it is in the package
// from the start, executable, whatever order npm links binaries and builds dist/ in. It
// runs the bundled command line (bundle-cli.mjs), which starts faster than dist/host/.
import { runProcess } from "../dist/cli/cli.js";

await runProcess();
