// `katanet attach --follow`: attach the namespace, then keep its endpoints attached as
// links come and go, one JSON line per change on stdout (host/attach/hotplug.ts). SIGINT or
// SIGTERM stops following (exit 0) and leaves the attachments, unless --detach-on-exit;
// a watch that fails exits 1, after detaching when asked to.
import { EndpointFollower, type HotplugEvent } from "../attach/hotplug.ts";
import type { AttachOptions } from "../attach/index.ts";
import { type CliIO, EXIT_OK, EXIT_UNEXPECTED } from "./command.ts";

/** Attaches synchronously (a failed first attach throws here, to be reported as `katanet
 * attach` reports it), then resolves with the exit code once following ends. */
export function followAttachments(options: AttachOptions & { netns: string }, detachOnExit: boolean, io: CliIO): Promise<number> {
  let failure: Error | undefined;
  let watchFailed!: () => void;
  const failed = new Promise<void>((resolve) => (watchFailed = resolve));
  const follower = new EndpointFollower({
    ...options,
    onEvent: (event: HotplugEvent) => io.out(`${JSON.stringify(event)}\n`),
    onError: (error) => {
      failure = error;
      watchFailed();
    },
  });
  return Promise.race([io.stopped, failed]).then(() => {
    follower.stop({ detach: detachOnExit });
    if (failure === undefined) return EXIT_OK;
    io.err(`katanet attach: stopped following ${options.netns}: ${failure.message}\n`);
    return EXIT_UNEXPECTED;
  });
}
