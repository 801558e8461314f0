// What `serve` streams, seen from the server: a catalogue maps the path a client asks for
// to a stream (one namespace's envelopes, or the node agent's namespace listing), and a
// stream hands each of its frames to every subscribed client, encoded at most once.

export interface Frame {
  /** The envelope's oneof member ("snapshot", "updateRoutes", ...), for metrics. */
  readonly kind: string;
  binary(): Uint8Array;
  json(): string;
}

export interface StreamListener {
  frame(frame: Frame): void;
  /** The stream is over; close the client with `code` and `reason`. */
  ended(code: number, reason: string): void;
}

export interface Stream {
  /** What a client gets on connecting and on asking for a snapshot. */
  current(): Frame[];
  subscribe(listener: StreamListener): () => void;
  /** Starts explaining every rescan (what `katanet explain` says of the state) and returns
   * the explanation of the state now; a stream with nothing to explain has none. */
  explain?(): Frame | undefined;
}

export type Selection = { stream: Stream; status?: undefined; reason?: undefined } | { stream?: undefined; status: number; reason: string };

export interface StreamCatalogue {
  /** The stream at a request's path (`request.url`), or the HTTP status saying why none. */
  select(url: string): Selection;
  stop(): void;
  /** How many namespaces are streaming (one for a single-namespace server). */
  watching?(): number;
  /** The namespaces followed, as JSON (a node agent only). */
  listing?(): unknown;
}

/** A stream's subscribers. Each call goes to a copy of the set, so a listener may
 * unsubscribe itself (or be unsubscribed) while it is being called. */
export class Listeners {
  private readonly listeners = new Set<StreamListener>();

  get size(): number {
    return this.listeners.size;
  }

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  frame(frame: Frame): void {
    for (const listener of [...this.listeners]) listener.frame(frame);
  }

  end(code: number, reason: string): void {
    for (const listener of [...this.listeners]) listener.ended(code, reason);
    this.listeners.clear();
  }
}
