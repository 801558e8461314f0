// `serve` of one namespace: whatever path a client asks for, it gets the namespace's
// stream; a failed watch ends the stream for every client and stops the server.

import { NamespaceWatcher, type WatchOptions } from "../watch/watcher.ts";
import { EnvelopeFrame } from "./frames.ts";
import { Listeners, type Stream, type StreamCatalogue } from "./streams.ts";

export const CLOSE_INTERNAL_ERROR = 1011;

export function singleNamespace(options: WatchOptions, failed: (error: Error) => void): StreamCatalogue {
  const watcher = new NamespaceWatcher(options);
  const listeners = new Listeners();
  watcher.subscribe({
    envelope: (envelope) => listeners.frame(new EnvelopeFrame(envelope)),
    failed(error) {
      listeners.end(CLOSE_INTERNAL_ERROR, `watch failed: ${error.message}`);
      failed(error);
    },
  });
  const stream: Stream = {
    current: () => [new EnvelopeFrame(watcher.snapshot())],
    subscribe: (listener) => listeners.subscribe(listener),
    explain: () => {
      const explanation = watcher.startExplaining();
      return explanation && new EnvelopeFrame(explanation);
    },
  };
  return { select: () => ({ stream }), stop: () => watcher.stop() };
}
