// The core's rtnetlink decoders on messages written out here, field by field (as
// rust-netlink's packet crates test theirs), so they are tested without ../shared: one
// veth link, its address, a route and a neighbour, as a dump of the kernel returns them
// (trimmed to the attributes Kata reads), then the same with one length that lies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convertCapture } from "../../host/convert.ts";
import { MalformedInputError } from "../../host/core-errors.ts";
import { decodeMessages, toDecodedJson } from "../../host/format/decoded.ts";

const hex = (...fields: string[]): string => fields.join("");

const LINK = hex(
  "50000000", "1000", "0200", "01000000", "00000000", // nlmsghdr: 80 bytes, RTM_NEWLINK, NLM_F_MULTI, seq 1, pid 0
  "00", "00", "0100", "02000000", "43100100", "00000000", // ifinfomsg: AF_UNSPEC, ARPHRD_ETHER, index 2, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
  "0900", "0300", "6574683000", "000000", // IFLA_IFNAME "eth0\0", padded
  "0800", "0400", "78050000", // IFLA_MTU 1400
  "0a00", "0100", "02000000000a", "0000", // IFLA_ADDRESS 02:00:00:00:00:0a, padded
  "1000", "1200", "0900", "0100", "7665746800", "000000", // IFLA_LINKINFO { IFLA_INFO_KIND "veth\0" }
);

const ADDRESS = hex(
  "28000000", "1400", "0200", "01000000", "00000000", // nlmsghdr: 40 bytes, RTM_NEWADDR, NLM_F_MULTI
  "02", "18", "80", "00", "02000000", // ifaddrmsg: AF_INET, /24, IFA_F_PERMANENT, scope universe, index 2
  "0800", "0100", "0a000002", // IFA_ADDRESS 10.0.0.2
  "0800", "0200", "0a000002", // IFA_LOCAL 10.0.0.2
);

const ROUTE = hex(
  "3c000000", "1800", "0200", "01000000", "00000000", // nlmsghdr: 60 bytes, RTM_NEWROUTE, NLM_F_MULTI
  "02", "10", "00", "00", "fe", "03", "00", "01", "00000000", // rtmsg: AF_INET, dst /16, table main, RTPROT_BOOT, universe, unicast
  "0800", "0f00", "fe000000", // RTA_TABLE 254
  "0800", "0100", "0a010000", // RTA_DST 10.1.0.0
  "0800", "0500", "0a000001", // RTA_GATEWAY 10.0.0.1
  "0800", "0400", "02000000", // RTA_OIF 2
);

const NEIGHBOUR = hex(
  "30000000", "1c00", "0200", "01000000", "00000000", // nlmsghdr: 48 bytes, RTM_NEWNEIGH, NLM_F_MULTI
  "02", "00", "0000", "02000000", "8000", "00", "01", // ndmsg: AF_INET, index 2, NUD_PERMANENT, no flags, RTN_UNICAST
  "0800", "0100", "0a000009", // NDA_DST 10.0.0.9
  "0a00", "0200", "020000000009", "0000", // NDA_LLADDR 02:00:00:00:00:09, padded
);

const capture = (links = [LINK]) => ({ netlink: { links, addrs: [ADDRESS], routes: [ROUTE], neighs: [NEIGHBOUR] } });

test("a veth link, its address, a route and a permanent neighbour become Kata's messages", () => {
  const conversion = convertCapture(capture(), { rules: ["seed"], arch: "amd64" });
  assert.deepEqual(conversion.endpoints, [{ name: "eth0", type: "virtual", pairIndex: 0n, hwAddr: "02:00:00:00:00:0a" }]);
  assert.deepEqual(toDecodedJson(decodeMessages(conversion.messages.seed!)), {
    interfaces: [
      {
        device: "eth0",
        name: "eth0",
        IPAddresses: [{ family: "v4", address: "10.0.0.2", mask: "24" }],
        mtu: "1400",
        hwAddr: "02:00:00:00:00:0a",
        devicePath: "",
        type: "virtual",
        rawFlags: 0,
      },
    ],
    routes: [{ dest: "10.1.0.0/16", gateway: "10.0.0.1", device: "eth0", source: "", scope: 0, family: "v4", flags: 0, mtu: 0 }],
    neighbors: [{ toIPAddress: { family: "v4", address: "10.0.0.9", mask: "" }, device: "eth0", lladdr: "02:00:00:00:00:09", state: 128, flags: 0 }],
  });
});

test("an attribute whose length runs past its message is named, with where it is", () => {
  // IFLA_MTU claims 0x40 bytes where its message has 8 left for it.
  const lying = LINK.replace("0800040078050000", "4000040078050000");
  assert.notEqual(lying, LINK);
  assert.throws(
    () => convertCapture(capture([lying]), { rules: ["seed"] }),
    (error) => error instanceof MalformedInputError && /netlink\.links\[0\]/.test(error.message),
  );
});
