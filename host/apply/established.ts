// What a follower has established from the stream so far. The stream sends only what
// changed, but the agent's interface update takes the link down and rewrites its
// addresses, and the kernel then drops the routes and neighbours on that link; so an
// interface update is applied together with the routes and neighbours the stream had
// established, as Kata's runtime sends them together.
import type { ARPNeighbor, Route } from "../schema.ts";
import type { StreamItem } from "./envelope.ts";
import type { AgentRequests } from "./input.ts";

type AppliedItem = Exclude<StreamItem, { kind: "interfaceRemoved" | "leftOut" }>;

export class EstablishedState {
  private routes: Route[] | undefined;
  private readonly neighbours = new Map<string, ARPNeighbor>();

  /** The requests to apply for `item`: an interface update brings the rest back with it. */
  requestsFor(item: AppliedItem): AgentRequests {
    const { requests } = item;
    if (item.kind !== "change" || requests.interfaces.length === 0) return requests;
    const neighbours = new Map(this.neighbours);
    for (const neighbour of requests.neighbours) neighbours.set(JSON.stringify(neighbour), neighbour);
    return { interfaces: requests.interfaces, routes: requests.routes ?? this.routes, neighbours: [...neighbours.values()] };
  }

  /** Records what an applied item established: a snapshot replaces it all. */
  record(item: AppliedItem): void {
    const { requests } = item;
    if (item.kind !== "change") this.neighbours.clear();
    if (item.kind !== "change" || requests.routes !== undefined) this.routes = requests.routes;
    for (const neighbour of requests.neighbours) this.neighbours.set(JSON.stringify(neighbour), neighbour);
  }
}
