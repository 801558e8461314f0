// Node: koffi's wrapper of libuv's uv_poll, which watches the descriptor from the event
// loop itself. koffi's `.async` calls would park a blocking recv on the libuv thread
// pool instead, stalling fs and dns work behind it.

import koffi from "koffi";
import type { WatchReadable } from "./readiness.ts";

export const watchReadable: WatchReadable = (fd, callbacks) => {
  const handle = koffi.node.poll(fd, { readable: true }, () => callbacks.readable());
  return () => handle.close();
};
