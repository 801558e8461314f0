// Tap devices through /dev/net/tun: TUNSETIFF creates a tap (or attaches one more queue
// to a multi-queue one) and TUNSETPERSIST keeps it after its descriptors close, so a VMM
// can open it again by name. The device is created in the network namespace of the
// thread that opened /dev/net/tun, so callers open it inside the pod's namespace.

import { sys } from "./sys.ts";

const TUN_DEVICE = "/dev/net/tun";
/** _IOW('T', 202, int) and _IOW('T', 203, int) from <linux/if_tun.h>. */
const TUNSETIFF = 0x400454ca;
const TUNSETPERSIST = 0x400454cb;

export const IFF_TAP = 0x0002;
export const IFF_MULTI_QUEUE = 0x0100;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;

/** Kata's flags for a VM's tap: frames without packet info, with a virtio-net header. */
export const VM_TAP_FLAGS = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;

const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;

/** struct ifreq with ifr_name and ifr_flags. */
function ifreq(name: string, flags: number): Uint8Array {
  const encoded = new TextEncoder().encode(name);
  if (encoded.length >= IFNAMSIZ) throw new RangeError(`interface name "${name}" is longer than ${IFNAMSIZ - 1} bytes`);
  const request = new Uint8Array(IFREQ_SIZE);
  request.set(encoded);
  new DataView(request.buffer).setUint16(IFNAMSIZ, flags, true);
  return request;
}

/**
 * Opens one queue of tap `name` with `flags`, creating the tap if it does not exist: what
 * a VMM does with `-netdev tap,ifname=NAME`. Returns the queue's descriptor.
 */
export function openTapQueue(name: string, flags: number, options: { nonBlocking?: boolean } = {}): number {
  const fd = sys.openReadWrite(TUN_DEVICE, options);
  try {
    sys.ioctl(fd, TUNSETIFF, ifreq(name, flags));
    return fd;
  } catch (error) {
    sys.close(fd);
    throw error;
  }
}

/** Keeps the tap behind `fd` after every descriptor closes (RTM_DELLINK removes it). */
export function makeTapPersistent(fd: number): void {
  // TUNSETPERSIST reads its argument as an integer, not through a pointer: the address of
  // any buffer is a non-zero value, which means "persist".
  sys.ioctl(fd, TUNSETPERSIST, new Uint8Array(1));
}
