// What connecting one pod link needs: the journal its steps go into, the namespace's
// netlink socket, the link as scanned and as the kernel describes it, and the request.
import type { Link } from "../apply/links.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { sys } from "../netlink/sys.ts";
import type { Journal, StepPlace } from "./journal.ts";

export interface EndpointWork {
  journal: Journal;
  socket: NetlinkSocket;
  /** The pod interface. */
  link: Link;
  /** i in tap<i>_kata. */
  index: number;
  /** 0: single queue; N: N queues. */
  queues: number;
  vhost: boolean;
  /** Descriptors for the VM, filled in by the steps. */
  vmFds: number[];
  vhostFds: number[];
}

/** What the VMM is given: the tap's name and ifindex, and for macvtap its device. */
export interface VmSide {
  tapName: string;
  tapIndex: number;
  devicePath: string | null;
}

export const tapName = (index: number): string => `tap${index}_kata`;

/** One descriptor per queue: a single-queue device still has one. */
export const queueCount = (work: EndpointWork): number => Math.max(1, work.queues);

export const on = (work: EndpointWork, link: string): StepPlace => ({ endpoint: work.link.name, link });

const VHOST_DEVICE = "/dev/vhost-net";

/** Opens `path` once per queue into `into`, one step each, closed again on rollback. */
export function openPerQueue(work: EndpointWork, path: string, link: string, into: number[]): void {
  for (let queue = 1; queue <= queueCount(work); queue++) {
    work.journal.perform(on(work, link), `open ${path} (queue ${queue})`, () => {
      const fd = sys.openReadWrite(path);
      into.push(fd);
      return { release: () => closeListed(into, fd) };
    });
  }
}

/** With vhost: one /dev/vhost-net descriptor per queue, as Kata's createVhostFds. */
export function openVhost(work: EndpointWork): void {
  if (work.vhost) openPerQueue(work, VHOST_DEVICE, work.link.name, work.vhostFds);
}

/** Closes `fd` and takes it off `list`. */
export function closeListed(list: number[], fd: number): void {
  const at = list.indexOf(fd);
  if (at >= 0) list.splice(at, 1);
  sys.close(fd);
}
