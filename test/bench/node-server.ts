// The node agent under bench, in a process of its own as `katanet serve --netns A --netns
// B ...` runs: reports its address over IPC and serves until the parent disconnects.
//
//   node-server NAMESPACE...

import { serve } from "../../host/serve/server.ts";

const namespaces = process.argv.slice(2);
if (namespaces.length > 0 && process.send) {
  const server = await serve({ namespaces, maxClients: 16 });
  process.once("disconnect", () => void server.close());
  process.send({ address: server.address });
}
