// The dump thread's entry (see dump-thread.ts): serves dump jobs, one descriptor each,
// from the ring it was started with, once the calling thread hands the socket over.
// Loading this module loads the FFI bindings (koffi or Deno.dlopen), so the thread
// counts as booted only once that has worked.

import { workerData } from "node:worker_threads";
import { FINISHED, RingWriter, type SharedRing } from "./dump-ring.ts";
import { publishDump } from "./dump-relay.ts";
import { NetlinkSocket } from "./socket.ts";

const writer = new RingWriter(workerData as SharedRing);
writer.markBooted();
for (;;) {
  const fd = writer.nextJob();
  const from = writer.awaitHandOver();
  if (from === null) writer.publish(FINISHED);
  else publishDump(NetlinkSocket.adopt(fd), writer, from);
}
