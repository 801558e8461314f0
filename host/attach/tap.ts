// tcfilter's tap: a persistent tap<i>_kata made through /dev/net/tun with Kata's flags,
// one descriptor per queue (IFF_MULTI_QUEUE when queues ≥ 1); then the pod link's MTU, up.
import { listLinks } from "../apply/links.ts";
import { setLinkRequest } from "../apply/requests.ts";
import { IFF_MULTI_QUEUE, makeTapPersistent, openTapQueue, VM_TAP_FLAGS } from "../netlink/tun.ts";
import { AttachError } from "./errors.ts";
import { closeListed, on, queueCount, type EndpointWork } from "./work.ts";

/** Fail instead of attaching to a tap that already has the name (IFF_TUN_EXCL). */
const IFF_TUN_EXCL = 0x8000;

export function tapFlags(queues: number): number {
  return queues > 0 ? VM_TAP_FLAGS | IFF_MULTI_QUEUE : VM_TAP_FLAGS;
}

/** Creates the tap with its queues and returns its ifindex. */
export function createTap(work: EndpointWork, name: string): number {
  const flags = tapFlags(work.queues);
  let index = 0;
  work.journal.perform(on(work, name), `create tap ${name}`, () => {
    refuseTakenName(work, name, `create tap ${name}`);
    const fd = openTapQueue(name, flags | IFF_TUN_EXCL);
    work.vmFds.push(fd);
    const release = () => closeListed(work.vmFds, fd);
    try {
      makeTapPersistent(fd);
      index = linkIndex(work, name);
    } catch (error) {
      release();
      throw error;
    }
    return { undo: { action: "delete-link", index, name }, release };
  });
  for (let queue = 2; queue <= queueCount(work); queue++) {
    work.journal.perform(on(work, name), `open queue ${queue} of ${name}`, () => {
      const fd = openTapQueue(name, flags);
      work.vmFds.push(fd);
      return { release: () => closeListed(work.vmFds, fd) };
    });
  }
  return index;
}

/** The pod link's MTU on the tap, and the tap up. */
export function bringTapUp(work: EndpointWork, name: string, index: number): void {
  work.journal.perform(on(work, name), `set ${name} MTU ${work.link.mtu}`, () => work.socket.request(setLinkRequest(index, { mtu: work.link.mtu })));
  work.journal.perform(on(work, name), `set ${name} up`, () => work.socket.request(setLinkRequest(index, { up: true })));
}

/** A link already named like the tap is someone else's: fail before touching anything. */
export function refuseTakenName(work: EndpointWork, name: string, step: string): void {
  if (listLinks(work.socket).some((link) => link.name === name)) {
    throw new AttachError(step, name, `EEXIST (File exists): a link named ${name} already exists in the namespace`, 17);
  }
}

function linkIndex(work: EndpointWork, name: string): number {
  const link = listLinks(work.socket).find((candidate) => candidate.name === name);
  if (!link) throw new Error(`${name} vanished right after it was created`);
  return link.index;
}
