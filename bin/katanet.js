#!/usr/bin/env node
// The installed `katanet` command. It lives outside dist/ so that it is in the package
// from the start, executable, whatever order npm links binaries and builds dist/ in.
import { runProcess } from "../dist/host/cli.js";

await runProcess();
