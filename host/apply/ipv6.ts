// Whether the namespace runs IPv6, read the way Kata's agent reads it: IPv6 addresses are
// skipped unless conf/all or conf/default has disable_ipv6 = 0 (an unreadable file counts
// as disabled, e.g. a kernel without IPv6). /proc/sys/net shows the network namespace of
// the thread that opens the file, so this must run inside the namespace's setns window.

import { readFileSync } from "node:fs";

const SETTINGS = ["/proc/sys/net/ipv6/conf/all/disable_ipv6", "/proc/sys/net/ipv6/conf/default/disable_ipv6"];

export function namespaceSupportsIpv6(): boolean {
  return SETTINGS.some((path) => {
    try {
      return readFileSync(path, "utf8").trim() === "0";
    } catch {
      return false;
    }
  });
}
