// Kata's macvtap model (tapNetworkPair): a bridge-mode macvtap tap<i>_kata on the pod link
// takes the link's MAC (the guest's) while the link gets a random private one; the link's
// addresses move to the guest, so they are saved and removed; the VM opens
// /dev/tap<ifindex> once per queue.
import { randomInt } from "node:crypto";
import { setLinkRequest } from "../apply/requests.ts";
import { generatePrivateMac } from "../network.ts";
import { newMacvtapRequest, setLinkAddressRequest } from "../netlink/link-requests.ts";
import { NetlinkError } from "../netlink/socket.ts";
import { removeAddresses, saveAddresses, savePermanentNeighbours, type SavedAddresses } from "./addresses.ts";
import { isAlreadyGone, isAlreadyThere } from "./errors.ts";
import { macBytes } from "./mac.ts";
import { refuseTakenName } from "./tap.ts";
import { on, openPerQueue, openVhost, tapName, type EndpointWork, type VmSide } from "./work.ts";
import type { LinkRef } from "./undo.ts";

/** Kata's txqlen for a macvtap whose parent has none. */
const DEFAULT_TXQLEN = 1500;
/** /dev/tap<ifindex> is one name space for the whole machine while ifindexes are per
 * namespace, so two pods' macvtaps would collide on /dev/tap2. Like Kata, ask for an index
 * above the host's (8192 + 16 random bits) and try another on a collision. */
const INDEX_BASE = 8192;
const INDEX_RANGE = 0x10000;
const INDEX_ATTEMPTS = 128;

export function connectMacvtap(work: EndpointWork, guestMac: string): VmSide {
  const name = tapName(work.index);
  const pod = { index: work.link.index, name: work.link.name };
  const tap = { index: createMacvtap(work, name), name };
  handOverMac(work, pod, tap, guestMac);
  work.journal.perform(on(work, name), `set ${name} up`, () => work.socket.request(setLinkRequest(tap.index, { up: true })));
  handOverAddresses(work, pod);
  if (!work.link.up) {
    work.journal.perform(on(work, pod.name), `set ${pod.name} up`, () => {
      work.socket.request(setLinkRequest(pod.index, { up: true }));
      return { undo: { action: "set-down", ...pod } };
    });
  }
  const devicePath = `/dev/tap${tap.index}`;
  openPerQueue(work, devicePath, name, work.vmFds);
  openVhost(work);
  return { tapName: name, tapIndex: tap.index, devicePath };
}

/**
 * The guest's MAC moves to the macvtap and the pod link takes a private one. A MAC change
 * flushes the link's neighbours, permanent ones too, so they are saved first; their undo
 * runs after the MAC's, newest first.
 */
function handOverMac(work: EndpointWork, pod: LinkRef, tap: LinkRef, guestMac: string): void {
  work.journal.perform(on(work, pod.name), `save ${pod.name} permanent neighbours`, () => ({
    undo: { action: "restore-neighbours", ...pod, neighbours: savePermanentNeighbours(work.socket, pod.index) },
  }));
  const privateMac = generatePrivateMac();
  work.journal.perform(
    on(work, pod.name),
    `set ${pod.name} MAC to ${privateMac}`,
    () => work.socket.request(setLinkAddressRequest(pod.index, macBytes(privateMac))),
    { action: "restore-mac", ...pod, mac: guestMac },
  );
  work.journal.perform(on(work, tap.name), `set ${tap.name} MAC to ${guestMac}`, () => work.socket.request(setLinkAddressRequest(tap.index, macBytes(guestMac))));
}

/** The guest owns the addresses now: they leave the pod link (with them, the kernel drops its routes). */
function handOverAddresses(work: EndpointWork, pod: LinkRef): void {
  let saved: SavedAddresses = { addresses: [], routes: [] };
  work.journal.perform(on(work, pod.name), `save ${pod.name} addresses and routes`, () => void (saved = saveAddresses(work.socket, pod.index)));
  work.journal.perform(
    on(work, pod.name),
    `remove ${pod.name} addresses`,
    () => removeAddresses(work.socket, saved, isAlreadyGone),
    { action: "restore-addresses", ...pod, saved },
  );
}

function createMacvtap(work: EndpointWork, name: string): number {
  let index = 0;
  work.journal.perform(on(work, name), `create macvtap ${name} on ${work.link.name}`, () => {
    refuseTakenName(work, name, `create macvtap ${name} on ${work.link.name}`);
    const spec = { name, parentIndex: work.link.index, txqlen: work.link.txqlen || DEFAULT_TXQLEN, mtu: work.link.mtu };
    for (let attempt = 1; ; attempt++) {
      index = INDEX_BASE + randomInt(INDEX_RANGE);
      try {
        work.socket.request(newMacvtapRequest({ ...spec, index }));
        return { undo: { action: "delete-link", index, name } };
      } catch (error) {
        if (!(error instanceof NetlinkError && isAlreadyThere(error)) || attempt === INDEX_ATTEMPTS) throw error;
      }
    }
  });
  return index;
}
