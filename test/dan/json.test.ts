// The DAN JSON reader against Go's encoding/json: syntax errors (Go's texts), type errors
// (Go's UnmarshalTypeError texts with field paths) and how values land in Kata's DAN types.

import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeDanConfig } from "../../host/dan/dan-config.ts";
import { JsonTypeError } from "../../host/dan/go-decode.ts";
import { JsonSyntaxError, readJson } from "../../host/dan/json.ts";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function syntaxErrorOf(bytes: Uint8Array): string {
  try {
    readJson(bytes);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error.message;
    throw error;
  }
  return "(no error)";
}

function typeErrorOf(json: string): string {
  try {
    decodeDanConfig(utf8(json));
  } catch (error) {
    if (error instanceof JsonTypeError) return error.message;
    throw error;
  }
  return "(no error)";
}

test("syntax errors carry Go's scanner texts", () => {
  const cases: [string, string][] = [
    ["", "unexpected end of JSON input"],
    [" \n\t", "unexpected end of JSON input"],
    ["this is not json\n", "invalid character 'h' in literal true (expecting 'r')"],
    ['{"devices": []} x', "invalid character 'x' after top-level value"],
    ['{"devices": []}}', "invalid character '}' after top-level value"],
    ["01", "invalid character '1' after top-level value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["{,}", "invalid character ',' looking for beginning of object key string"],
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ["\\", "invalid character '\\\\' looking for beginning of value"],
    ['{"a": nul}', "invalid character '}' in literal null (expecting 'l')"],
    ["fals", "invalid character ' ' in literal false (expecting 'e')"],
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ['{"a":', "unexpected end of JSON input"],
    ['"abc', "unexpected end of JSON input"],
    ["1.", "invalid character ' ' after decimal point in numeric literal"],
    ["-", "invalid character ' ' in numeric literal"],
    ["-a", "invalid character 'a' in numeric literal"],
    ["1e", "invalid character ' ' in exponent of numeric literal"],
    ["1e+x", "invalid character 'x' in exponent of numeric literal"],
    ['"\u0001"', "invalid character '\\x01' in string literal"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
  ];
  for (const [input, message] of cases) assert.equal(syntaxErrorOf(utf8(input)), message, JSON.stringify(input));
});

test("bytes outside strings are shown as Go quotes them (the byte read as a rune)", () => {
  assert.equal(syntaxErrorOf(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)), "invalid character 'ï' looking for beginning of value");
  assert.equal(syntaxErrorOf(Uint8Array.of(0x80)), "invalid character '\\u0080' looking for beginning of value");
  assert.equal(syntaxErrorOf(Uint8Array.of(0xa0)), "invalid character '\\u00a0' looking for beginning of value");
  assert.equal(syntaxErrorOf(Uint8Array.of(0x7f)), "invalid character '\\x7f' looking for beginning of value");
});

test("nesting is limited to Go's 10000 levels; up to that the reader copes without recursion", () => {
  const depth = (n: number) => "[".repeat(n) + "]".repeat(n);
  assert.equal(syntaxErrorOf(utf8(depth(10001))), "invalid character '[' exceeded max depth");
  assert.equal(readJson(utf8(depth(10000))).kind, "array");
});

test("the tree keeps member order, repeated keys, number literals and value spans", () => {
  const text = '{"b": 18446744073709551615, "a": [1.50, -0], "b": null}';
  const tree = readJson(utf8(text));
  assert.equal(tree.kind, "object");
  if (tree.kind !== "object") return;
  assert.deepEqual(tree.members.map((m) => m.key), ["b", "a", "b"]);
  assert.deepEqual(tree.members[0].value, { kind: "number", literal: "18446744073709551615", start: 6, end: 26 });
  const array = tree.members[1].value;
  assert.equal(text.slice(array.start, array.end), "[1.50, -0]");
});

test("strings are unescaped like Go: surrogate pairs joined, anything broken becomes U+FFFD", () => {
  const value = (bytes: Uint8Array) => {
    const tree = readJson(bytes);
    return tree.kind === "string" ? tree.value : null;
  };
  assert.equal(value(utf8('"\\ud83d\\ude00 \\u00e9\\n\\/"')), "\u{1f600} é\n/");
  assert.equal(value(utf8('"\\ud800x"')), "\ufffdx");
  assert.equal(value(utf8('"\\ude00\\ud83d"')), "\ufffd\ufffd");
  assert.equal(value(utf8('"\\ud83d\\u0041"')), "\ufffdA");
  // Invalid UTF-8: one U+FFFD per bad byte (Go's DecodeRune), not per WHATWG sequence.
  assert.equal(value(Uint8Array.of(0x22, 0xe2, 0x82, 0x41, 0x22)), "\ufffd\ufffdA");
  assert.equal(value(Uint8Array.of(0x22, 0xed, 0xa0, 0x80, 0x22)), "\ufffd\ufffd\ufffd");
  assert.equal(value(Uint8Array.of(0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22)), "\u{1f600}");
});

test("type errors name the innermost struct, the JSON field path and the Go type", () => {
  const device = (inner: string) => `{"devices": [{"name": "eth0", ${inner}}]}`;
  const cases: [string, string][] = [
    ["[]", "json: cannot unmarshal array into Go value of type types.DanConfig"],
    ['"x"', "json: cannot unmarshal string into Go value of type types.DanConfig"],
    ["5", "json: cannot unmarshal number into Go value of type types.DanConfig"],
    ['{"devices": {}}', "json: cannot unmarshal object into Go struct field DanConfig.devices of type []types.DanDevice"],
    ['{"devices": [true]}', "json: cannot unmarshal bool into Go struct field DanConfig.devices of type types.DanDevice"],
    ['{"netns": 5}', "json: cannot unmarshal number into Go struct field DanConfig.netns of type string"],
    ['{"netns": {}}', "json: cannot unmarshal object into Go struct field DanConfig.netns of type string"],
    [device('"device": {"type": 5}'), "json: cannot unmarshal number into Go struct field Device.devices.device.type of type types.DanDeviceType"],
    [device('"device": {"queue_num": "2"}'), "json: cannot unmarshal string into Go struct field Device.devices.device.queue_num of type int"],
    [device('"device": {"queue_size": 1.5}'), "json: cannot unmarshal number 1.5 into Go struct field Device.devices.device.queue_size of type int"],
    [device('"device": {"queue_num": 9223372036854775808}'), "json: cannot unmarshal number 9223372036854775808 into Go struct field Device.devices.device.queue_num of type int"],
    [device('"network_info": []'), "json: cannot unmarshal array into Go struct field DanDevice.devices.network_info of type types.NetworkInfo"],
    [device('"network_info": {"interface": {"mtu": -1}}'), "json: cannot unmarshal number -1 into Go struct field Interface.devices.network_info.interface.mtu of type uint64"],
    [device('"network_info": {"interface": {"mtu": 18446744073709551616}}'), "json: cannot unmarshal number 18446744073709551616 into Go struct field Interface.devices.network_info.interface.mtu of type uint64"],
    [device('"network_info": {"interface": {"mtu": 1e3}}'), "json: cannot unmarshal number 1e3 into Go struct field Interface.devices.network_info.interface.mtu of type uint64"],
    [device('"network_info": {"interface": {"flags": 4294967296}}'), "json: cannot unmarshal number 4294967296 into Go struct field Interface.devices.network_info.interface.flags of type uint32"],
    [device('"network_info": {"interface": {"ip_addresses": [1]}}'), "json: cannot unmarshal number into Go struct field Interface.devices.network_info.interface.ip_addresses of type string"],
    [device('"network_info": {"routes": [{"scope": 4294967296}]}'), "json: cannot unmarshal number 4294967296 into Go struct field Route.devices.network_info.routes.scope of type uint32"],
    [device('"network_info": {"neighbors": [{"state": true}]}'), "json: cannot unmarshal bool into Go struct field ARPNeighbor.devices.network_info.neighbors.state of type uint32"],
    // The path uses the tag names, whatever case the document used.
    ['{"DEVICES": [{"Network_Info": {"INTERFACE": {"MTU": "x"}}}]}', "json: cannot unmarshal string into Go struct field Interface.devices.network_info.interface.mtu of type uint64"],
    // The first error in document order wins.
    [device('"guest_mac": 1, "network_info": {"interface": {"mtu": "x"}}'), "json: cannot unmarshal number into Go struct field DanDevice.devices.guest_mac of type string"],
    // Unknown keys are never decoded, so their types do not matter.
    [device('"speed": "fast", "device": {"driver": []}'), "(no error)"],
    ["null", "(no error)"],
  ];
  for (const [input, message] of cases) assert.equal(typeErrorOf(input), message, input);
});

test("a syntax error anywhere wins over an earlier type error, as Go validates first", () => {
  assert.throws(() => decodeDanConfig(utf8('{"devices": 5} ]')), (e: unknown) => e instanceof JsonSyntaxError);
});

test("keys match tags case-insensitively, with Go's Kelvin-sign and long-s folding, after unescaping", () => {
  const config = decodeDanConfig(
    utf8('{"Devices": [{"NAME": "eth0", "networ\u212a_info": {"routes": [{"\u017fcope": 7, "GateWay": "10.0.0.1"}], "interface": {"m\\u0074u": 1400}}}]}'),
  );
  const device = config.devices![0];
  assert.equal(device.name, "eth0");
  assert.deepEqual([device.networkInfo.routes![0].scope, device.networkInfo.routes![0].gateway], [7n, "10.0.0.1"]);
  assert.equal(device.networkInfo.interface.mtu, 1400n);
  // Other non-ASCII look-alikes do not fold.
  assert.equal(decodeDanConfig(utf8('{"dev\u0131ces": [{}]}')).devices, null);
});

test("repeated keys decode again into the same value: objects merge, later scalars win", () => {
  const config = decodeDanConfig(
    utf8('{"devices": [{"network_info": {"interface": {"mtu": 1400, "ntype": "eth"}, "interface": {"MTU": 9000}}}]}'),
  );
  assert.deepEqual(
    [config.devices![0].networkInfo.interface.mtu, config.devices![0].networkInfo.interface.ntype],
    [9000n, "eth"],
  );
});

test("null keeps scalars and structs, resets slices and pointers", () => {
  const config = decodeDanConfig(
    utf8(
      '{"netns": "/x", "netns": null, "devices": [{"name": "a", "name": null, "network_info": {"interface": {"mtu": 9000, "mtu": null, "ip_addresses": ["10.0.0.1/24"], "ip_addresses": null}}, "network_info": null}]}',
    ),
  );
  const iface = config.devices![0].networkInfo.interface;
  assert.deepEqual([config.netns, config.devices![0].name, iface.mtu, iface.ipAddresses], [null, "a", 9000n, null]);
});

test("arrays decode into the elements a slice already holds, up to its capacity", () => {
  const routes = (json: string) =>
    decodeDanConfig(utf8(`{"devices": [{"network_info": {${json}}}]}`)).devices![0].networkInfo.routes!.map((r) => [r.gateway, r.scope]);
  // A later array only overwrites the fields it names.
  assert.deepEqual(routes('"routes": [{"gateway": "10.0.0.1", "scope": 5}], "routes": [{"gateway": "10.0.0.2"}]'), [["10.0.0.2", 5n]]);
  // Shrinking keeps the dropped elements in the backing array; growing again finds them.
  assert.deepEqual(routes('"routes": [{"scope": 1}, {"scope": 2}], "routes": [{}], "routes": [{}, {}]'), [["", 1n], ["", 2n]]);
  // [] and null make a fresh slice.
  assert.deepEqual(routes('"routes": [{"scope": 1}], "routes": [], "routes": [{}]'), [["", 0n]]);
  assert.deepEqual(routes('"routes": [{"scope": 1}], "routes": null, "routes": [{}]'), [["", 0n]]);
  // A null element leaves what the element held.
  assert.deepEqual(routes('"routes": [{"scope": 3}], "routes": [null, null]'), [["", 3n], ["", 0n]]);
});
