// Kata's tcfilter model (setupTCFiltering): a tap for the VM and, on both the pod link
// and the tap, an ingress qdisc whose u32 filter redirects every frame to the other one.
import { addIngressQdiscRequest, addRedirectFilterRequest } from "../netlink/tc.ts";
import { NetlinkError } from "../netlink/socket.ts";
import { Errno } from "../netlink/errno.ts";
import { bringTapUp, createTap } from "./tap.ts";
import { on, openVhost, tapName, type EndpointWork, type VmSide } from "./work.ts";
import type { LinkRef } from "./undo.ts";

const QDISC_ATTEMPTS = 5;
const QDISC_RETRY_MS = 10;

export function connectTcFilter(work: EndpointWork): VmSide {
  const name = tapName(work.index);
  const tapIndex = createTap(work, name);
  openVhost(work);
  bringTapUp(work, name, tapIndex);
  const pod = { index: work.link.index, name: work.link.name };
  const tap = { index: tapIndex, name };
  addIngressQdisc(work, tap);
  addIngressQdisc(work, pod);
  redirect(work, pod, tap);
  redirect(work, tap, pod);
  return { tapName: name, tapIndex, devicePath: null };
}

function addIngressQdisc(work: EndpointWork, link: LinkRef): void {
  work.journal.perform(on(work, link.name), `add ingress qdisc on ${link.name}`, () => {
    requestRetryingBusy(work, addIngressQdiscRequest(link.index));
    return { undo: { action: "delete-ingress-qdisc", ...link } };
  });
}

function redirect(work: EndpointWork, from: LinkRef, to: LinkRef): void {
  work.journal.perform(on(work, from.name), `redirect ${from.name} ingress to ${to.name}`, () => {
    work.socket.request(addRedirectFilterRequest(from.index, to.index));
    return { undo: { action: "delete-redirect-filter", ...from } };
  });
}

/** Another qdisc change on the link in flight answers EBUSY: wait and try again, a few times. */
function requestRetryingBusy(work: EndpointWork, request: Uint8Array): void {
  for (let attempt = 1; ; attempt++) {
    try {
      return work.socket.request(request);
    } catch (error) {
      if (!(error instanceof NetlinkError && error.errno === Errno.EBUSY) || attempt === QDISC_ATTEMPTS) throw error;
      sleep(QDISC_RETRY_MS);
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
