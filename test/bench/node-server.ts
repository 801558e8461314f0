// The node agent under bench, in a process of its own as `katanet serve --netns A --netns
// B ...` runs: reports its address over IPC and serves until the parent disconnects. Its
// event loop's own delay is sampled throughout (perf_hooks.monitorEventLoopDelay): asked
// "loop-delay", it answers with the percentiles since the last asking, in ms.
//
//   node-server NAMESPACE...

import { monitorEventLoopDelay } from "node:perf_hooks";
import { serve } from "../../host/serve/server.ts";

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

const namespaces = process.argv.slice(2);
if (namespaces.length > 0 && process.send) {
  const loopDelay = monitorEventLoopDelay({ resolution: 2 });
  loopDelay.enable();
  const server = await serve({ namespaces, maxClients: 16 });
  process.once("disconnect", () => void server.close());
  process.on("message", (message) => {
    if (message !== "loop-delay") return;
    const ms = (nanoseconds: number) => nanoseconds / 1e6;
    process.send!({ p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) } satisfies LoopDelay);
    loopDelay.reset();
  });
  process.send({ address: server.address });
}
