// Go's address parsers: cases from Go's own net tests (ip_test.go, mac_test.go) as of
// Go 1.19, plus the netlink.ParseAddr forms Kata's DAN reader relies on.

import assert from "node:assert/strict";
import { test } from "node:test";
import { GoParseError, parseAddr, parseCIDR, parseIP, parseMAC } from "../../host/text/goparse.ts";

const hex = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const V4_IN_V6 = "00000000000000000000ffff";

function assertGoError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => error instanceof GoParseError && error.message === message);
}

test("ParseIP: IPv4 comes back as the 16-byte IPv4-in-IPv6 slice", () => {
  assert.equal(hex(parseIP("127.0.1.2")), V4_IN_V6 + "7f000102");
  assert.equal(hex(parseIP("0.0.0.0")), V4_IN_V6 + "00000000");
  assert.equal(hex(parseIP("255.255.255.255")), V4_IN_V6 + "ffffffff");
});

test("ParseIP: IPv6 forms, embedded IPv4 and the :: rules", () => {
  const cases: [string, string][] = [
    ["::ffff:127.1.2.3", V4_IN_V6 + "7f010203"],
    ["::ffff:7f01:0203", V4_IN_V6 + "7f010203"],
    ["0:0:0:0:0000:ffff:127.1.2.3", V4_IN_V6 + "7f010203"],
    ["0:0:0:0::ffff:127.1.2.3", V4_IN_V6 + "7f010203"],
    ["2001:4860:0:2001::68", "20014860000020010000000000000068"],
    ["2001:4860:0000:2001:0000:0000:0000:0068", "20014860000020010000000000000068"],
    ["2001:DB8::A", "20010db800000000000000000000000a"],
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["1::", "00010000000000000000000000000000"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["::1.2.3.4", "00000000000000000000000001020304"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
    // Go 1.19 takes a group of any length up to 0xffff (Go >= 1.22 would not).
    ["0:0:0:0:000000:ffff:127.1.2.3", V4_IN_V6 + "7f010203"],
  ];
  for (const [input, expected] of cases) assert.equal(hex(parseIP(input)), expected, input);
});

test("ParseIP: invalid text is nil, never an error", () => {
  const invalid = [
    "", "abc", "123:", "-0.0.0.0", "0.-1.0.0", "0.0.-2.0", "0.0.0.-3", "127.0.0.256",
    "127.001.002.003", "123.000.000.000", "010.10.0.1", "0123.0.0.1", "1.2..4", "1.2.3", "1.2.3.4.",
    "::ffff:127.001.002.003", "fe80::1%lo0", "fe80::1%eth0", "a1:a2:a3:a4::b1:b2:b3:b4",
    "1:2:3:4:5:6:7:8::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:1.2.3.4", "::12345", ":::1", "1:::2",
    "1.2.3.4:80", " 1.2.3.4", "1.2.3.4 ", "not-an-ip", "١.٢.٣.٤",
  ];
  for (const input of invalid) assert.equal(parseIP(input), null, JSON.stringify(input));
});

test("ParseCIDR: IP as written, network with host bits cleared", () => {
  const cases: [string, string, string, string][] = [
    ["135.104.0.0/32", V4_IN_V6 + "87680000", "87680000", "ffffffff"],
    ["0.0.0.0/24", V4_IN_V6 + "00000000", "00000000", "ffffff00"],
    ["135.104.0.1/24", V4_IN_V6 + "87680001", "87680000", "ffffff00"],
    ["10.1.2.3/8", V4_IN_V6 + "0a010203", "0a000000", "ff000000"],
    ["10.0.0.0/008", V4_IN_V6 + "0a000000", "0a000000", "ff000000"],
    ["0.0.0.0/0", V4_IN_V6 + "00000000", "00000000", "00000000"],
    ["::1/128", "00000000000000000000000000000001", "00000000000000000000000000000001", "ff".repeat(16)],
    ["abcd:2345::/65", "abcd2345000000000000000000000000", "abcd2345000000000000000000000000", "ff".repeat(8) + "80" + "00".repeat(7)],
    ["abcd:2345::/31", "abcd2345000000000000000000000000", "abcd2344000000000000000000000000", "fffffffe" + "00".repeat(12)],
    ["2001:DB8::1/48", "20010db8000000000000000000000001", "20010db8000000000000000000000000", "ff".repeat(6) + "00".repeat(10)],
    // IPv4-mapped text is IPv6 to ParseCIDR: 16-byte network and mask.
    ["::ffff:10.0.0.0/104", V4_IN_V6 + "0a000000", V4_IN_V6 + "0a000000", "ff".repeat(13) + "000000"],
  ];
  for (const [input, ip, network, mask] of cases) {
    const parsed = parseCIDR(input);
    assert.deepEqual([hex(parsed.ip), hex(parsed.ipNet.ip), hex(parsed.ipNet.mask)], [ip, network, mask], input);
  }
});

test("ParseCIDR: Go's error text names the whole input", () => {
  const invalid = [
    "", "10.10.0.5", "10.10.0.300/24", "192.168.1.1/255.255.255.0", "192.168.1.1/33", "2001:db8::1/129",
    "2001:db8::1/-1", "2001:db8::1/-0", "-0.0.0.0/32", "0.0.0.0/-0", "127.000.000.001/32", "10.0.0.0/", "10.0.0.0/8/8",
    "10.0.0.0/+8", "10.0.0.0/8 ", "fe80::1%eth0/64", "/8",
  ];
  for (const input of invalid) assertGoError(() => parseCIDR(input), `invalid CIDR address: ${input}`);
});

test("ParseAddr: label after a space, host bits kept, 16-byte IPv4 with a 4-byte mask", () => {
  const cases: [string, string, string, string][] = [
    ["10.1.2.3/8", V4_IN_V6 + "0a010203", "ff000000", ""],
    ["203.0.113.9/24 eth0:vip", V4_IN_V6 + "cb007109", "ffffff00", "eth0:vip"],
    ["203.0.113.10/24 ", V4_IN_V6 + "cb00710a", "ffffff00", ""],
    ["10.0.0.1/24 first second", V4_IN_V6 + "0a000001", "ffffff00", "first"],
    ["::ffff:198.51.100.7/120", V4_IN_V6 + "c6336407", "ff".repeat(15) + "00", ""],
    ["fe80::1/10", "fe800000000000000000000000000001", "ffc0" + "00".repeat(14), ""],
  ];
  for (const [input, ip, mask, label] of cases) {
    const addr = parseAddr(input);
    assert.deepEqual([hex(addr.ipNet.ip), hex(addr.ipNet.mask), addr.label], [ip, mask, label], input);
  }
  // A leading space leaves an empty address before it.
  assertGoError(() => parseAddr(" 10.0.0.1/24"), "invalid CIDR address: ");
  assertGoError(() => parseAddr("10.10.0.5"), "invalid CIDR address: 10.10.0.5");
});

test("ParseMAC: 6, 8 and 20 bytes in colon, dash and dotted forms", () => {
  const cases: [string, string][] = [
    ["00:00:5e:00:53:01", "00005e005301"],
    ["00-00-5e-00-53-01", "00005e005301"],
    ["0000.5e00.5301", "00005e005301"],
    ["AB:cd:EF:ab:CD:ef", "abcdefabcdef"],
    ["00:00:00:00:00:00", "000000000000"],
    ["02:00:5e:10:00:00:00:01", "02005e1000000001"],
    ["02-00-5e-10-00-00-00-01", "02005e1000000001"],
    ["0200.5e10.0000.0001", "02005e1000000001"],
    ["00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01", "00000000fe80000000000000" + "02005e1000000001"],
    ["0000.0000.fe80.0000.0000.0000.0200.5e10.0000.0001", "00000000fe80000000000000" + "02005e1000000001"],
  ];
  for (const [input, expected] of cases) assert.equal(hex(parseMAC(input)), expected, input);
});

test("ParseMAC: errors quote the input, except an empty one", () => {
  assertGoError(() => parseMAC(""), "invalid MAC address");
  const invalid = [
    "0a:58:0a:0a:00", "0a:58:0a:0a:00:zz", "not-a-mac", "01.02.03.04.05.06", "01:02:03:04:05:06:",
    "x1:02:03:04:05:06", "01002:03:04:05:06", "01:02003:04:05:06", "01:02:03:04:05006",
    "01-02:03:04:05:06", "01:02-03-04-05-06", "0123:4567:89AF", "0123-4567-89AF", "0123.4567.89AF.",
    "0123.4567-89AF", "01:02:03:04:05:06:07", "01:02:03:04:05:06:07:08:09", " 01:02:03:04:05:06",
    "0a:58:0a:0a:00:é5",
  ];
  for (const input of invalid) assertGoError(() => parseMAC(input), `address ${input}: invalid MAC address`);
});
