// Go's String() forms of net.IP, net.IPNet and net.HardwareAddr, only so that specs (which
// carry bytes) can be compared with the text the DAN fixtures record.

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

function to4(ip: Uint8Array): Uint8Array | null {
  if (ip.length === 4) return ip;
  const mapped = ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? ip.subarray(12) : null;
}

export function goIPString(hex: string): string {
  const ip = fromHex(hex);
  if (ip.length === 0) return "<nil>";
  const v4 = to4(ip);
  if (v4) return v4.join(".");
  if (ip.length !== 16) return "?" + hex;
  const groups = Array.from({ length: 8 }, (_, i) => (ip[2 * i] << 8) | ip[2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1; // only runs of two or more zero groups become "::"
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = (part: number[]) => part.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`;
}

export function goIPNetString(ipHex: string, maskHex: string): string {
  const ip = fromHex(ipHex);
  const network = to4(ip) ?? ip;
  let mask = fromHex(maskHex);
  if (mask.length === 16 && network.length === 4) mask = mask.subarray(12);
  if (mask.length !== network.length) return "<nil>";
  const bits = Array.from(mask, (b) => b.toString(2).padStart(8, "0")).join("");
  const ones = bits.indexOf("0") < 0 ? bits.length : bits.indexOf("0");
  const canonical = !bits.slice(ones).includes("1");
  const networkHex = Array.from(network, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${goIPString(networkHex)}/${canonical ? ones : maskHex}`;
}

export const goMACString = (hex: string): string => (hex.match(/../g) ?? []).join(":");
