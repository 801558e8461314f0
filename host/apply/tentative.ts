// IPv6 addresses stay "tentative" for a moment after their link comes up (duplicate
// address detection, and even with DAD off the kernel finishes the job in a work queue),
// and a tentative address is refused as a route's preferred source ("Invalid source
// address"). Routes come right after the interface updates, so before writing them we
// wait, bounded, until the preferred sources they name are usable. The wait yields to the
// event loop and ends early when `signal` is aborted, so a signal is never held up by it.

import { Buffer } from "node:buffer";
import { setTimeout as sleep } from "node:timers/promises";
import { addressDumpRequest } from "../netlink/dump.ts";
import { addressHeader } from "../netlink/headers.ts";
import { attributeU32, netlinkAttributes } from "../netlink/messages.ts";
import { dumped } from "../netlink/sink.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { AF_INET6, RTM_NEWADDR, IFADDRMSG_SIZE, IFA_ADDRESS } from "../netlink/constants.ts";

const IFA_FLAGS = 8;
const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;
const POLL_MS = 20;

/** Waits until none of `addresses` (16-byte IPv6) is tentative, `deadline` (a Date.now()
 * time) passed, or `signal` is aborted. Addresses that are absent or failed DAD cannot
 * become usable and are not waited for. */
export async function waitForUsableAddresses(
  socket: Pick<NetlinkSocket, "dump">,
  addresses: Uint8Array[],
  deadline: number,
  signal?: AbortSignal,
): Promise<void> {
  if (addresses.length === 0) return;
  const wanted = new Set(addresses.map(hex));
  while (tentativeAddresses(socket).some((address) => wanted.has(address)) && Date.now() < deadline && !signal?.aborted) {
    await sleep(POLL_MS);
  }
}

function tentativeAddresses(socket: Pick<NetlinkSocket, "dump">): string[] {
  const tentative: string[] = [];
  for (const message of dumped(socket, addressDumpRequest(), RTM_NEWADDR)) {
    const header = addressHeader(message.payload);
    if (header.family !== AF_INET6) continue;
    let flags = header.flags;
    let address: Uint8Array | undefined;
    for (const attribute of netlinkAttributes(message.payload, IFADDRMSG_SIZE)) {
      if (attribute.type === IFA_ADDRESS) address = attribute.payload;
      // IFA_FLAGS holds all 32 bits when present; the header byte only the low eight.
      if (attribute.type === IFA_FLAGS) flags = attributeU32(attribute.payload) ?? flags;
    }
    if (address && flags & IFA_F_TENTATIVE && !(flags & IFA_F_DADFAILED)) tentative.push(hex(address));
  }
  return tentative;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
