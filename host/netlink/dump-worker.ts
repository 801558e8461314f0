// The dump thread's entry (see dump-thread.ts): serves dump jobs, one descriptor each,
// from the ring it was started with. Loading this module loads the FFI bindings (koffi
// or Deno.dlopen), so the thread counts as booted only once that has worked.

import { workerData } from "node:worker_threads";
import { publishDump, RingWriter, type SharedRing } from "./dump-thread.ts";
import { NetlinkSocket } from "./socket.ts";

const writer = new RingWriter(workerData as SharedRing);
writer.markBooted();
for (;;) publishDump(NetlinkSocket.adopt(writer.nextJob()), writer);
