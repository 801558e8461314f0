// Being told when a file descriptor has data, without blocking the event loop and
// without holding a thread-pool thread: libuv's fd poll on Node, a non-blocking FFI
// poll(2) on Deno. The runtime's binding is chosen once, at load.

export interface ReadinessCallbacks {
  /** The descriptor is readable (or has a pending error, which a read will report). */
  readable(): void;
  /** Waiting itself failed; no more callbacks follow. */
  failed(error: Error): void;
}

/** Calls `callbacks.readable` each time `fd` is readable until the returned stop function runs. */
export type WatchReadable = (fd: number, callbacks: ReadinessCallbacks) => () => void;

const isDeno = "Deno" in globalThis;

async function loadBinding(): Promise<WatchReadable> {
  const binding = isDeno ? await import("./readiness-deno.ts") : await import("./readiness-node.ts");
  return binding.watchReadable;
}

export const watchReadable: WatchReadable = await loadBinding();
