// Every row of docs/bad-input.md: what a user gives `katanet`, and the exact first line
// of standard error and exit code they get back. cli.test.ts runs each row.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturesDirectory } from "../support/fixtures.ts";

export interface BadInput {
  /** What is wrong, as the catalogue's first column says it. */
  kind: string;
  /** Arguments after `katanet`; FILE is replaced by the path of `file` once written. */
  args: string[];
  file?: string;
  stdin?: string;
  exit: number;
  /** The first line of standard error, exactly ("" when nothing is printed there). */
  stderr: string;
  /** Needs root and iproute2 (a namespace is made for it, named by NS in args). */
  namespace?: "as-nobody";
}

const EMPTY_NETLINK = { links: [], addrs: [], routes: [], neighs: [] };

function fixture(name: string): { netlink: Record<string, string[]>; endpoints: { name: string }[] } {
  return JSON.parse(readFileSync(join(fixturesDirectory(), name), "utf8"));
}

/** A real capture with one edit, so only that edit is wrong. */
function editedCapture(edit: (capture: { netlink: Record<string, string[]>; pciPaths?: Record<string, string> }) => void): string {
  const { netlink } = fixture("dual-stack-link-local.json");
  const capture = { netlink: { ...netlink, links: [...netlink.links] } };
  edit(capture);
  return JSON.stringify(capture);
}

export const CATALOGUE: BadInput[] = [
  // ---- command line ----
  { kind: "no command", args: [], exit: 2, stderr: "" },
  { kind: "unknown command", args: ["bogus"], exit: 2, stderr: 'katanet: unknown command "bogus"' },
  { kind: "convert without an input", args: ["convert"], exit: 2, stderr: "katanet convert: give exactly one of CAPTURE.json, --endpoints SPEC.json or --dan FILE" },
  { kind: "unknown option", args: ["convert", "--bogus"], exit: 2, stderr: "katanet convert: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"" },
  { kind: "unknown output format", args: ["convert", "--format", "xml", "FILE"], file: "{}", exit: 2, stderr: 'katanet convert: --format must be json, pb64 or text, not "xml"' },
  { kind: "unknown neighbour rule", args: ["convert", "--neighbors", "bogus", "FILE"], file: "{}", exit: 2, stderr: 'katanet convert: --neighbors must be seed or preseed-gateway, not "bogus"' },
  { kind: "--pci-path without KEY=", args: ["convert", "--pci-path", "nokey", "FILE"], file: "{}", exit: 2, stderr: 'katanet convert: --pci-path takes KEY=PATH (for example eth0=02/00), not "nokey"' },
  { kind: "MAC count not a number", args: ["mac", "--count", "x"], exit: 2, stderr: 'katanet mac: --count takes a whole number up to 1000000, not "x"' },
  { kind: "unknown interworking model", args: ["model", "bogus"], exit: 2, stderr: "katanet model: Unknown type bogus" },
  // ---- input files ----
  { kind: "input file missing", args: ["convert", "/nonexistent/capture.json"], exit: 2, stderr: "katanet convert: cannot read /nonexistent/capture.json: no such file" },
  { kind: "input is a directory", args: ["convert", "/"], exit: 2, stderr: "katanet convert: cannot read /: it is a directory" },
  { kind: "capture not JSON", args: ["convert", "FILE"], file: "not json", exit: 2, stderr: `katanet convert: FILE is not valid JSON: Unexpected token 'o', "not json" is not valid JSON` },
  // ---- capture JSON ----
  { kind: "capture not an object", args: ["convert", "FILE"], file: "[1,2]", exit: 2, stderr: "katanet convert: a capture must be a JSON object" },
  { kind: "capture without netlink", args: ["convert", "FILE"], file: "{}", exit: 2, stderr: 'katanet convert: a capture needs a "netlink" object with links, addrs, routes and neighs' },
  { kind: "dump not an array of strings", args: ["convert", "FILE"], file: JSON.stringify({ netlink: { ...EMPTY_NETLINK, links: "x" } }), exit: 2, stderr: "katanet convert: netlink.links must be an array of hex strings" },
  { kind: "message not hex", args: ["convert", "FILE"], file: JSON.stringify({ netlink: { ...EMPTY_NETLINK, links: ["zz"] } }), exit: 2, stderr: 'katanet convert: netlink.links[0]: "zz" at character 0 is not hex' },
  { kind: "message with an odd number of hex digits", args: ["convert", "FILE"], file: JSON.stringify({ netlink: { ...EMPTY_NETLINK, links: ["abc"] } }), exit: 2, stderr: "katanet convert: netlink.links[0]: odd number of hex digits (3)" },
  { kind: "PCI paths not strings", args: ["convert", "FILE"], file: JSON.stringify({ netlink: EMPTY_NETLINK, pciPaths: { eth0: 5 } }), exit: 2, stderr: 'katanet convert: "pciPaths" must be an object of strings' },
  { kind: "hints not an object", args: ["convert", "FILE"], file: JSON.stringify({ netlink: EMPTY_NETLINK, hints: [] }), exit: 2, stderr: 'katanet convert: "hints" must be an object' },
  { kind: "message shorter than a netlink header", args: ["convert", "FILE"], file: JSON.stringify({ netlink: { ...EMPTY_NETLINK, links: ["2000000010000000"] } }), exit: 2, stderr: "katanet convert: netlink.links[0]: 8 bytes, shorter than a netlink header (16)" },
  {
    kind: "nlmsg_len past the end of the capture",
    args: ["convert", "FILE"],
    file: editedCapture((c) => (c.netlink.links[1] = `ffff${c.netlink.links[1].slice(4)}`)),
    exit: 2,
    stderr: "katanet convert: netlink.links[1]: the message declares 65535 bytes but its hex holds 1504",
  },
  {
    kind: "PCI path that is not hex slots",
    args: ["convert", "FILE"],
    file: editedCapture((c) => (c.pciPaths = { eth0: "zz" })),
    exit: 2,
    stderr: 'katanet convert: PCI path "zz" of eth0: token 0 is not a slot number in hex from 0 to 1f (at pciPaths/hints, byte 28)',
  },
  { kind: "Kata rejects a link (bridge)", args: ["convert", join(fixturesDirectory(), "bridge-unsupported-error.json")], exit: 3, stderr: "Unsupported network interface: bridge" },
  { kind: "Kata's pair index from a digitless name", args: ["convert", join(fixturesDirectory(), "digitless-name-error.json")], exit: 3, stderr: 'strconv.ParseInt: parsing "": invalid syntax' },
  // ---- endpoint specs ----
  { kind: "endpoint specs not an array", args: ["convert", "--endpoints", "FILE"], file: '{"name":"x"}', exit: 2, stderr: "katanet convert: endpoint specs must be a JSON array of endpoint descriptions" },
  { kind: "endpoint name not a string", args: ["convert", "--endpoints", "FILE"], file: '[{"name":5}]', exit: 2, stderr: "katanet convert: endpoint 0 (5): name must be a string, got 5" },
  {
    kind: "endpoint IP not hex",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"veth","hwAddr":"x","addrs":[{"ipnet":{"ip":{"hex":"zz"}}}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): ipnet ip hex must be an even-length hex string, got "zz"',
  },
  // ---- DAN ----
  { kind: "DAN file cut short", args: ["convert", "--dan", "FILE"], file: "{", exit: 3, stderr: "fail to unmarshal DAN config: unexpected end of JSON input" },
  // ---- namespaces ----
  { kind: "namespace name that does not exist", args: ["scan", "--netns", "katanet-no-such-ns"], exit: 2, stderr: 'katanet scan: no network namespace named "katanet-no-such-ns" (looked for /var/run/netns/katanet-no-such-ns)' },
  { kind: "namespace path that is not a namespace", args: ["scan", "--netns", "/etc/passwd"], exit: 2, stderr: "katanet scan: /etc/passwd is not a network namespace file" },
  { kind: "namespace of a process that does not exist", args: ["scan", "--netns", "999999999"], exit: 2, stderr: "katanet scan: no process 999999999 (looked for /proc/999999999/ns/net)" },
  { kind: "namespace path that does not exist", args: ["scan", "--netns", "/nonexistent/ns"], exit: 2, stderr: "katanet scan: no such network namespace file /nonexistent/ns" },
  { kind: "capture of a namespace that does not exist", args: ["capture", "--netns", "katanet-no-such-ns"], exit: 2, stderr: 'katanet capture: no network namespace named "katanet-no-such-ns" (looked for /var/run/netns/katanet-no-such-ns)' },
  {
    kind: "namespace without permission (not root)",
    args: ["scan", "--netns", "NS"],
    namespace: "as-nobody",
    exit: 2,
    stderr: "katanet scan: permission denied entering network namespace /var/run/netns/NS (setns: EPERM); entering another namespace needs CAP_SYS_ADMIN, run as root",
  },
  // ---- apply ----
  { kind: "apply input not JSON", args: ["apply", "FILE"], file: "not json", exit: 2, stderr: `katanet apply: FILE: not JSON: Unexpected token 'o', "not json" is not valid JSON` },
  { kind: "apply with nothing on standard input", args: ["apply"], stdin: "", exit: 2, stderr: "katanet apply: standard input: not JSON: Unexpected end of JSON input" },
];

/** A message as docs/bad-input.md shows it: in backticks, pipes escaped for the table. */
export function markdownCell(text: string): string {
  return `\`${text.replaceAll("|", "\\|")}\``;
}
