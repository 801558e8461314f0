// What the agent messages do not carry but a person reading `text` expects from `ip link`:
// each link's kernel ifindex and flags, read from the link dump the conversion started from.
import { IFINFOMSG_SIZE, IFLA_IFNAME, RTM_NEWLINK } from "../netlink/constants.ts";
import { linkHeader } from "../netlink/headers.ts";
import { attributeString, FramingError, netlinkAttributes, netlinkMessages } from "../netlink/messages.ts";

export interface KernelLink {
  index: number;
  /** ifi_flags: IFF_UP, IFF_LOWER_UP, ... */
  flags: number;
}

/** Links by name in a stream of netlink messages; other messages are passed over. A
 * capture that was converted is well-formed, so the listing just ends where framing breaks. */
export function kernelLinks(stream: Uint8Array): Map<string, KernelLink> {
  const links = new Map<string, KernelLink>();
  try {
    for (const message of netlinkMessages(stream)) {
      if (message.type !== RTM_NEWLINK) continue;
      const { index, flags } = linkHeader(message.payload);
      for (const attribute of netlinkAttributes(message.payload, IFINFOMSG_SIZE)) {
        if (attribute.type === IFLA_IFNAME) links.set(attributeString(attribute.payload), { index, flags });
      }
    }
  } catch (error) {
    if (!(error instanceof FramingError)) throw error;
  }
  return links;
}

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

/** In the order `ip link` prints them (iproute2's print_link_flags). */
const FLAG_NAMES: [number, string][] = [
  [0x8, "LOOPBACK"], [0x2, "BROADCAST"], [0x10, "POINTOPOINT"], [0x1000, "MULTICAST"], [0x80, "NOARP"],
  [0x200, "ALLMULTI"], [0x100, "PROMISC"], [0x20, "NOTRAILERS"], [0x4, "DEBUG"], [0x8000, "DYNAMIC"],
  [0x4000, "AUTOMEDIA"], [0x2000, "PORTSEL"], [0x400, "MASTER"], [0x800, "SLAVE"], [IFF_UP, "UP"],
  [0x10000, "LOWER_UP"], [0x20000, "DORMANT"], [0x40000, "ECHO"],
];

/** `<BROADCAST,MULTICAST,UP,LOWER_UP>` as `ip link` shows the flags. */
export function linkFlagsText(flags: number): string {
  const names = flags & IFF_UP && !(flags & IFF_RUNNING) ? ["NO-CARRIER"] : [];
  let rest = flags & ~IFF_RUNNING;
  for (const [bit, name] of FLAG_NAMES) {
    if (rest & bit) names.push(name);
    rest &= ~bit;
  }
  if (rest !== 0) names.push((rest >>> 0).toString(16));
  return `<${names.join(",")}>`;
}
