// A capture (the input half of a live fixture: `netlink.{links,addrs,routes,neighs}` as hex
// of whole messages) turned into the one byte stream a namespace dump delivers.

export interface NetlinkCapture {
  links: string[];
  addrs: string[];
  routes: string[];
  neighs: string[];
}

const align4 = (n: number): number => (n + 3) & ~3;

export function captureStream(netlink: NetlinkCapture): Uint8Array {
  const messages = [...netlink.links, ...netlink.addrs, ...netlink.routes, ...netlink.neighs];
  const length = messages.reduce((total, hex) => total + align4(hex.length / 2), 0);
  const stream = new Uint8Array(length);
  let offset = 0;
  for (const hex of messages) {
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`capture: not a hex message: ${hex.slice(0, 40)}`);
    for (let i = 0; i < hex.length; i += 2) stream[offset + i / 2] = parseInt(hex.slice(i, i + 2), 16);
    offset += align4(hex.length / 2);
  }
  return stream;
}
