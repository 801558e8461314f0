// The process's shared Wasm core for the library functions, apart from convert.ts so that
// a scan loads no DAN parser.
import { KatanetCore } from "./core.ts";

let shared: KatanetCore | undefined;

/** One core per process is enough for the library functions; callers may pass their own. */
export function defaultCore(): KatanetCore {
  shared ??= new KatanetCore();
  return shared;
}
