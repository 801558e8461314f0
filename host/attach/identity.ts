// Which network namespace this is, in a form that survives the process: its inode (names
// the state file) and its cookie (tells a reused inode apart).
import { currentNamespaceId, resolveNamespace } from "../netlink/netns.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { sys } from "../netlink/sys.ts";
import { SOL_SOCKET } from "../netlink/constants.ts";
import type { NamespaceIdentity } from "./state.ts";

const SO_NETNS_COOKIE = 71;

/** Call inside the namespace, with a socket opened there. */
export function namespaceIdentity(spec: string, socket: NetlinkSocket): NamespaceIdentity {
  const inode = /^net:\[(\d+)\]$/.exec(currentNamespaceId())?.[1];
  if (!inode) throw new Error(`cannot read the inode of network namespace ${spec}`);
  const cookie = sys.getsockopt(socket.fd, SOL_SOCKET, SO_NETNS_COOKIE, 8);
  return { path: resolveNamespace(spec).path, inode, cookie: new DataView(cookie.buffer, cookie.byteOffset, 8).getBigUint64(0, true).toString() };
}
