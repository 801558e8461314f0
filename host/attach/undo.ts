// How each change attach makes is taken back. An undo is plain data, so it can be written
// to the state file and carried out by a later process (detach after the attacher died).
// Every undo first checks that its link is still the one it changed (same ifindex and
// name) and treats "already gone" as done, so running one twice, or after part of the
// work was undone by hand, changes nothing more.

import { listLinks } from "../apply/links.ts";
import { setLinkRequest } from "../apply/requests.ts";
import { deleteLinkRequest, setLinkAddressRequest } from "../netlink/link-requests.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { deleteIngressQdiscRequest, deleteRedirectFilterRequest } from "../netlink/tc.ts";
import { recreate, type SavedAddresses } from "./addresses.ts";
import { isAlreadyGone, isAlreadyThere } from "./errors.ts";
import { macBytes } from "./mac.ts";

/** A link as a change found it: its ifindex and name then. */
export interface LinkRef {
  index: number;
  name: string;
}

export type Undo =
  | ({ action: "delete-link" } & LinkRef)
  | ({ action: "delete-ingress-qdisc" } & LinkRef)
  | ({ action: "delete-redirect-filter" } & LinkRef)
  | ({ action: "restore-mac"; mac: string } & LinkRef)
  | ({ action: "restore-addresses"; saved: SavedAddresses } & LinkRef)
  | ({ action: "restore-neighbours"; neighbours: string[] } & LinkRef)
  | ({ action: "set-down" } & LinkRef);

/** What the undo does, in words, for errors and reports. */
export function describeUndo(undo: Undo): string {
  return `${undo.action} on ${undo.name}`;
}

export function runUndo(socket: NetlinkSocket, undo: Undo): void {
  const link = listLinks(socket).find((candidate) => candidate.index === undo.index);
  if (!link || link.name !== undo.name) return; // gone, or the index now belongs to another link
  if (undo.action === "restore-addresses") return recreate(socket, [...undo.saved.addresses, ...undo.saved.routes], isAlreadyThere);
  if (undo.action === "restore-neighbours") return recreate(socket, undo.neighbours, isAlreadyThere);
  try {
    socket.request(undoRequest(undo));
  } catch (error) {
    if (!isAlreadyGone(error)) throw error;
  }
}

function undoRequest(undo: Exclude<Undo, { action: "restore-addresses" | "restore-neighbours" }>): Uint8Array {
  switch (undo.action) {
    case "delete-link":
      return deleteLinkRequest(undo.index);
    case "delete-ingress-qdisc":
      return deleteIngressQdiscRequest(undo.index);
    case "delete-redirect-filter":
      return deleteRedirectFilterRequest(undo.index);
    case "restore-mac":
      return setLinkAddressRequest(undo.index, macBytes(undo.mac));
    case "set-down":
      return setLinkRequest(undo.index, { up: false });
  }
}
