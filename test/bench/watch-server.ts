// The server side of the watch bench, in a process of its own as `katanet serve` runs:
// sharing a process with the bench's clients would make it wait for their frame parsing
// and their garbage. Reports its address over IPC, serves until the parent disconnects.
//
//   watch-server NAMESPACE COALESCE_MS MAX_CLIENTS

import { serve } from "../../host/serve/server.ts";

const [namespace, coalesceMs, maxClients] = process.argv.slice(2);
if (namespace !== undefined && process.send) {
  const server = await serve({ netns: namespace, coalesceMs: Number(coalesceMs), maxClients: Number(maxClients) });
  process.once("disconnect", () => void server.close());
  process.send({ address: server.address });
}
