// Running a command as the unprivileged user nobody (uid/gid 65534), for tests of what an
// ordinary user gets. A checkout in a folder other users cannot enter (a CI clone may be
// one) would make nobody fail to load katanet at all; then, and only then, nobody keeps
// CAP_DAC_READ_SEARCH, which lets it read files and grants nothing else: no CAP_SYS_ADMIN,
// no CAP_NET_ADMIN, which is what these tests are about.
import { spawnSync } from "node:child_process";
import { packageFile } from "../../host/paths.ts";

const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
const READ_ANY_FILE = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"];

let prefix: string[] | undefined;

/** `command` prefixed so that it runs as nobody. */
export function asNobody(command: string[]): string[] {
  prefix ??= canRead(packageFile("dist", "host", "cli.js")) ? NOBODY : [...NOBODY, ...READ_ANY_FILE];
  return [...prefix, ...command];
}

function canRead(path: string): boolean {
  return spawnSync(NOBODY[0], [...NOBODY.slice(1), "test", "-r", path]).status === 0;
}
