// Every row of docs/bad-input.md: what a user gives `katanet`, and the exact first line
// of standard error and exit code they get back. cli.test.ts runs each row.
import { join } from "node:path";
import { pb64Json } from "../apply/support.ts";
import { findLiveFixture, fixturesDirectory } from "../support/fixtures.ts";

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
  /** Needs root and iproute2: a namespace is made for it, named by NS in args, and the
   * command runs as root or as the unprivileged user nobody. */
  namespace?: "as-root" | "as-nobody";
  /** \`ip -batch\` lines run in that namespace first. */
  setup?: string[];
}

/** A pod link Kata would connect: eth0 with an address, up (its veth peer has none). */
const POD_LINK = ["link add eth0 type veth peer name eth1", "addr add 10.30.0.2/24 dev eth0", "link set eth0 up"];

const EMPTY_NETLINK = { links: [], addrs: [], routes: [], neighs: [] };

/** A small capture Kata converts, with IPv4 and IPv6 addresses: the base every edit starts from. */
const dualStack = findLiveFixture("small, dual-stack, converted without error", (f) =>
  !f.file.endsWith(".gz") &&
  f.expected.error === null &&
  (f.expected.seed?.interfaces ?? []).some((i) => {
    const families = (i as { IPAddresses: { family: string }[] }).IPAddresses.map((a) => a.family);
    return families.includes("v4") && families.includes("v6");
  }),
);

/** `convert` of the first fixture whose Kata error starts with `error`: Go's whole text is the expected output. */
function kataRejection(error: string): Pick<BadInput, "args" | "stderr"> {
  const fixture = findLiveFixture(`failing with "${error}..."`, (f) => (f.expected.error ?? "").startsWith(error));
  return { args: ["convert", join(fixturesDirectory(), fixture.file)], stderr: fixture.expected.error! };
}

/** A real capture with one edit, so only that edit is wrong. */
function editedCapture(edit: (capture: { netlink: Record<string, string[]>; pciPaths?: Record<string, string> }) => void): string {
  const { netlink } = dualStack;
  const capture = { netlink: { ...netlink, links: [...netlink.links] } };
  edit(capture);
  return JSON.stringify(capture);
}

export const CATALOGUE: BadInput[] = [
  // ---- attach and detach ----
  { kind: "unknown attach model", args: ["attach", "--model", "bogus"], exit: 2, stderr: 'katanet attach: --model must be tcfilter, macvtap, none or default, not "bogus"' },
  { kind: "queue count not a number", args: ["attach", "--queues", "x"], exit: 2, stderr: 'katanet attach: --queues must be a whole number from 0 to 256, not "x"' },
  { kind: "attach a namespace that does not exist", args: ["attach", "--netns", "katanet-no-such-ns"], exit: 2, stderr: 'katanet attach: no network namespace named "katanet-no-such-ns" (looked for /var/run/netns/katanet-no-such-ns)' },
  { kind: "follow without a namespace", args: ["attach", "--follow"], exit: 2, stderr: "katanet attach: --follow needs --netns" },
  { kind: "follow with model none", args: ["attach", "--follow", "--netns", "x", "--model", "none"], exit: 2, stderr: "katanet attach: --follow has nothing to follow with --model none (nothing is created)" },
  { kind: "detach-on-exit without follow", args: ["attach", "--detach-on-exit"], exit: 2, stderr: "katanet attach: --detach-on-exit goes with --follow" },
  { kind: "follow a namespace that does not exist", args: ["attach", "--follow", "--netns", "katanet-no-such-ns"], exit: 2, stderr: 'katanet attach: no network namespace named "katanet-no-such-ns" (looked for /var/run/netns/katanet-no-such-ns)' },
  { kind: "detach a namespace that does not exist", args: ["detach", "--netns", "katanet-no-such-ns"], exit: 2, stderr: 'katanet detach: no network namespace named "katanet-no-such-ns" (looked for /var/run/netns/katanet-no-such-ns)' },
  {
    kind: "attach --vhost without /dev/vhost-net",
    args: ["attach", "--netns", "NS", "--vhost"],
    namespace: "as-root",
    setup: POD_LINK,
    exit: 2,
    stderr: 'katanet attach: step "open /dev/vhost-net (queue 1)" on eth0 failed: open(/dev/vhost-net) failed: ENOENT (No such file or directory)',
  },
  {
    kind: "tap name taken by another link",
    args: ["attach", "--netns", "NS"],
    namespace: "as-root",
    setup: [...POD_LINK, "link add tap0_kata type bridge"],
    exit: 2,
    stderr: 'katanet attach: step "create tap tap0_kata" on tap0_kata failed: EEXIST (File exists): a link named tap0_kata already exists in the namespace',
  },
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
  { kind: "explain with two sources", args: ["explain", "--netns", "x", "--dan", "dan.json"], exit: 2, stderr: "katanet explain: give at most one of --netns X, CAPTURE.json, --endpoints SPEC.json or --dan FILE" },
  { kind: "explain output format other than text or json", args: ["explain", "--format", "pb64", "--dan", "dan.json"], exit: 2, stderr: 'katanet explain: --format must be text or json, not "pb64"' },
  // ---- input files ----
  { kind: "input file missing", args: ["convert", "/nonexistent/capture.json"], exit: 2, stderr: "katanet convert: cannot read /nonexistent/capture.json: no such file" },
  { kind: "input is a directory", args: ["convert", "/"], exit: 2, stderr: "katanet convert: cannot read /: it is a directory" },
  { kind: "capture not JSON", args: ["convert", "FILE"], file: "not json", exit: 2, stderr: 'katanet convert: FILE is not JSON: it starts with "n" at byte 0, not { or [' },
  { kind: "capture JSON cut short", args: ["convert", "FILE"], file: '{"netlink": ', exit: 2, stderr: "katanet convert: FILE is not valid JSON: Unexpected end of JSON input" },
  { kind: "input file empty", args: ["convert", "FILE"], file: "  \n", exit: 2, stderr: "katanet convert: FILE is not JSON: it is empty but for white space" },
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
    stderr: "katanet convert: netlink.links[1]: the message declares 65535 bytes but its hex holds 1860",
  },
  {
    kind: "PCI path that is not hex slots",
    args: ["convert", "FILE"],
    file: editedCapture((c) => (c.pciPaths = { eth0: "zz" })),
    exit: 2,
    stderr: 'katanet convert: PCI path "zz" of eth0: token 0 is not a slot number in hex from 0 to 1f (at pciPaths/hints, byte 28)',
  },
  { kind: "Kata rejects a link (bridge)", ...kataRejection("Unsupported network interface: bridge"), exit: 3 },
  { kind: "Kata's pair index from a digitless name", ...kataRejection("strconv.ParseInt"), exit: 3 },
  // ---- endpoint specs ----
  { kind: "endpoint specs not an array", args: ["convert", "--endpoints", "FILE"], file: '{"name":"x"}', exit: 2, stderr: "katanet convert: endpoint specs must be a JSON array of endpoint descriptions" },
  { kind: "endpoint name not a string", args: ["convert", "--endpoints", "FILE"], file: '[{"name":5}]', exit: 2, stderr: "katanet convert: endpoint 0 (5): name must be a string, got 5" },
  {
    kind: "endpoint IP not hex",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"veth","hwAddr":"x","addrs":[{"ipnet":{"ip":{"hex":"zz"}}}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): addrs[0].ipnet.ip.hex: must be an even-length hex string, got "zz"',
  },
  {
    kind: "endpoint gateway not an IP address",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"virtual","hwAddr":"02:00:00:00:00:01","routes":[{"dst":"10.1.0.0/16","gw":"10.0.0.1"},{"gw":"10.0.0.300"}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): routes[1].gw: "10.0.0.300" is not an IP address such as "10.0.0.2" or "fd00::2"',
  },
  {
    kind: "endpoint address text and hex disagree",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"virtual","hwAddr":"02:00:00:00:00:01","addrs":[{"ipnet":{"ip":{"text":"10.0.0.2","hex":"0a000003"},"mask":{"prefixLen":24}}}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): addrs[0].ipnet.ip: text "10.0.0.2" and hex "0a000003" are different addresses',
  },
  {
    kind: "endpoint mask prefix length and hex disagree",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"virtual","hwAddr":"02:00:00:00:00:01","addrs":[{"ipnet":{"ip":"10.0.0.2","mask":{"prefixLen":24,"hex":"ffff0000"}}}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): addrs[0].ipnet.mask: prefixLen 24 and hex "ffff0000" are different masks',
  },
  {
    kind: "endpoint address without a prefix length",
    args: ["convert", "--endpoints", "FILE"],
    file: '[{"name":"eth0","type":"virtual","hwAddr":"02:00:00:00:00:01","addrs":[{"ipnet":"10.0.0.2"}]}]',
    exit: 2,
    stderr: 'katanet convert: endpoint 0 ("eth0"): addrs[0].ipnet: "10.0.0.2" is not a CIDR address such as "10.0.0.2/24" or "fd00::2/64"',
  },
  {
    kind: "--keep-going with endpoints",
    args: ["convert", "--keep-going", "--endpoints", "FILE"],
    file: "[]",
    exit: 2,
    stderr: "katanet convert: --keep-going is for captures: Kata converts endpoints and DAN devices without skipping any",
  },
  {
    kind: "--pci-path with endpoints",
    args: ["convert", "--pci-path", "eth0=02/00", "--endpoints", "FILE"],
    file: "[]",
    exit: 2,
    stderr: "katanet convert: --pci-path does not apply to --endpoints: give each endpoint its pciPath",
  },
  // ---- DAN ----
  {
    kind: "--pci-path key that matches no DAN device",
    args: ["convert", "--dan", "FILE", "--pci-path", "0000:85:02.6=02/00"],
    file: JSON.stringify({ devices: [{ name: "eth0", guest_mac: "0a:58:0a:0a:00:05", device: { type: "vfio", pci_device_id: "0000:85:02.5" }, network_info: { interface: { ip_addresses: ["10.10.0.5/24"], mtu: 1500 } } }] }),
    exit: 2,
    stderr: `katanet convert: --pci-path 0000:85:02.6=02/00: "0000:85:02.6" matches no vfio device's pci_device_id in the DAN file (there are: 0000:85:02.5)`,
  },
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
  {
    kind: "attach as an ordinary user",
    args: ["attach"],
    namespace: "as-nobody",
    exit: 2,
    stderr: 'katanet attach: step "create the state directory" on /run/katanet/attach failed: EACCES: attach and detach need root (CAP_NET_ADMIN, and /run/katanet to keep their record)',
  },
  {
    kind: "--pci-path key that matches no interface",
    args: ["scan", "--netns", "NS", "--pci-path", "eth9=02/00"],
    namespace: "as-root",
    exit: 2,
    stderr: 'katanet scan: --pci-path eth9=02/00: "eth9" matches no interface in the namespace (there are: lo)',
  },
  {
    kind: "--ccw-device key that matches no interface",
    args: ["scan", "--netns", "NS", "--arch", "s390x", "--ccw-device", "eth9=0.0.0001"],
    namespace: "as-root",
    exit: 2,
    stderr: 'katanet scan: --ccw-device eth9=0.0.0001: "eth9" matches no interface in the namespace (there are: lo)',
  },
  // ---- apply ----
  { kind: "apply input not JSON", args: ["apply", "FILE"], file: "not json", exit: 2, stderr: 'katanet apply: FILE is not JSON: it starts with "n" at byte 0, not { or [' },
  { kind: "apply with nothing on standard input", args: ["apply"], stdin: "", exit: 2, stderr: "katanet apply: standard input is not JSON: it is empty" },
  {
    kind: "kernel refuses a route part-way (gateway unreachable)",
    args: ["apply", "--netns", "NS", "FILE"],
    file: pb64Json({ routes: [{ dest: "10.9.0.0/24", gateway: "192.168.77.1", device: "lo" }] }),
    namespace: "as-root",
    exit: 3,
    stderr: "katanet apply: failed: routes[0] 10.9.0.0/24 via 192.168.77.1 dev lo: ENETUNREACH (Network is unreachable): Nexthop has invalid gateway",
  },
  {
    kind: "apply: a link name the kernel refuses",
    args: ["apply", "FILE"],
    file: pb64Json({ interfaces: [{ name: "../../x", hwAddr: "02:00:00:00:00:01", mtu: 1500 }] }),
    exit: 2,
    stderr: `katanet apply: interfaces[0].name "../../x": a link name cannot contain '/', ':', whitespace or NUL`,
  },
  {
    kind: "apply: reconfiguring loopback",
    args: ["apply", "--netns", "NS", "FILE"],
    file: pb64Json({ interfaces: [{ name: "eth0", hwAddr: "00:00:00:00:00:00", mtu: 1500 }] }),
    namespace: "as-root",
    exit: 2,
    stderr: 'katanet apply: interfaces[0].hwAddr "00:00:00:00:00:00": names the loopback device lo, which is never reconfigured',
  },
  // ---- serve and follow ----
  {
    kind: "token with a space",
    args: ["serve", "--token-file", "FILE", "--insecure-token-file"],
    file: "open sesame\n",
    exit: 2,
    stderr: "katanet serve: token file FILE: the token on its first line contains whitespace or control characters, which cannot be sent in an Authorization header",
  },
  { kind: "serve token file missing", args: ["serve", "--token-file", "/nonexistent/token"], exit: 2, stderr: "katanet serve: cannot read token file /nonexistent/token: no such file" },
  { kind: "follow token file missing", args: ["follow", "ws://127.0.0.1:1", "--netns", "x", "--token-file", "/nonexistent/token"], exit: 2, stderr: "katanet follow: cannot read token file /nonexistent/token: no such file" },
  {
    kind: "follow token in clear off loopback",
    args: ["follow", "ws://192.0.2.1:8080", "--netns", "x", "--token-file", "FILE", "--insecure-token-file"],
    file: "s3cret\n",
    exit: 2,
    stderr: "katanet follow: refusing to send the token in clear over ws:// to 192.0.2.1:8080; use wss:// (see --ca-file), or a loopback address or ws+unix://",
  },
  {
    kind: "follow URL of another scheme",
    args: ["follow", "http://example.com", "--netns", "x"],
    exit: 2,
    stderr: 'katanet follow: unsupported stream URL scheme "http:" in "http://example.com"; give ws://HOST:PORT, wss://HOST:PORT or ws+unix:///PATH',
  },
  { kind: "TLS key without a certificate", args: ["serve", "--tls-key", "FILE"], file: "", exit: 2, stderr: "katanet serve: TLS needs both --tls-cert and --tls-key" },
  {
    kind: "TLS certificate missing",
    args: ["serve", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"],
    exit: 2,
    stderr: "katanet serve: cannot read the TLS certificate file /nonexistent/cert.pem: no such file",
  },
  {
    kind: "serve off loopback without a token",
    args: ["serve", "--listen", "0.0.0.0:0"],
    exit: 2,
    stderr: "katanet serve: listening on 0.0.0.0:0 exposes the namespace beyond this machine; give a token file (--token-file) or listen on loopback or a Unix socket",
  },
  { kind: "serve listen address without a port", args: ["serve", "--listen", "8080"], exit: 2, stderr: 'katanet serve: listen address must be HOST:PORT or [IPV6]:PORT, not "8080"' },
  { kind: "coalescing window not a number", args: ["serve", "--coalesce-ms", "x"], exit: 2, stderr: 'katanet serve: --coalesce-ms takes a whole number ≥ 0, not "x"' },
  {
    kind: "follow a stream nobody serves",
    args: ["follow", "ws://127.0.0.1:1", "--netns", "NS"],
    namespace: "as-root",
    exit: 1,
    stderr: "katanet follow: ws://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1",
  },
];

/** A client of `katanet serve` that does something wrong, and what it gets back: the HTTP
 * status and first body line of a refused upgrade, or the close code and reason of a stream
 * the server ends. serve-clients.test.ts runs each against its own `katanet serve`. */
export interface BadClient {
  /** What is wrong, as the catalogue's first column says it. */
  kind: string;
  /** What the client does, as the catalogue's second column says it (checked against the doc). */
  does: string;
  /** Arguments after `katanet serve`; TOKEN_FILE is replaced by a file holding TOKEN. */
  serveArgs: string[];
  /** The stream asked for (default: the server's root). */
  path?: string;
  /** The subprotocol offered; none when absent. */
  protocol?: string;
  headers?: Record<string, string>;
  origin?: string;
  /** Clients (well-behaved) holding the server's places before this one connects. */
  clientsBefore?: number;
  /** Sent as soon as the stream is open. */
  frame?: Uint8Array | string;
  /** "HTTP 401" for a refused upgrade, "close 1009" for a stream ended by the server. */
  gets: string;
  /** The refusal's body line or the close reason, exactly ("" when there is none). */
  message: string;
}

export const TOKEN = "catalogue-token";

export const CLIENT_CATALOGUE: BadClient[] = [
  { kind: "binary garbage instead of a request", does: "sends the bytes ff ff ff", serveArgs: [], protocol: "katanet.v1", frame: new Uint8Array([0xff, 0xff, 0xff]), gets: "close 1007", message: "request is not a katanet.ClientRequest: index out of range: 3 + 1 > 3" },
  { kind: "text that is not JSON", does: "sends hello (katanet.json.v1)", serveArgs: [], protocol: "katanet.json.v1", frame: "hello", gets: "close 1007", message: `request is not JSON: Unexpected token 'h', "hello" is not valid JSON` },
  { kind: "oversized frame", does: "sends a 5000-byte frame (limit 4 KiB)", serveArgs: [], protocol: "katanet.v1", frame: new Uint8Array(5000), gets: "close 1009", message: "" },
  { kind: "unknown subprotocol", does: "offers subprotocol chat", serveArgs: [], protocol: "chat", gets: "HTTP 400", message: "choose a subprotocol: katanet.v1 or katanet.json.v1" },
  { kind: "no subprotocol", does: "offers none", serveArgs: [], gets: "HTTP 400", message: "choose a subprotocol: katanet.v1 or katanet.json.v1" },
  { kind: "no token off loopback", does: "connects to `katanet serve --listen 0.0.0.0:0 --token-file F` without Authorization", serveArgs: ["--listen", "0.0.0.0:0", "--token-file", "TOKEN_FILE"], protocol: "katanet.v1", gets: "HTTP 401", message: "missing or wrong token: send Authorization: Bearer TOKEN" },
  { kind: "wrong token off loopback", does: "the same with `Authorization: Bearer wrong`", serveArgs: ["--listen", "0.0.0.0:0", "--token-file", "TOKEN_FILE"], protocol: "katanet.v1", headers: { Authorization: "Bearer wrong" }, gets: "HTTP 401", message: "missing or wrong token: send Authorization: Bearer TOKEN" },
  { kind: "one client too many", does: "connects to `katanet serve --max-clients 1` while one client is connected", serveArgs: ["--max-clients", "1"], protocol: "katanet.v1", clientsBefore: 1, gets: "HTTP 503", message: "already serving the maximum of 1 clients" },
  { kind: "browser page from another origin", does: "connects with `Origin: https://evil.example`", serveArgs: [], protocol: "katanet.v1", origin: "https://evil.example", gets: "HTTP 403", message: "origin https://evil.example is not allowed (see --allow-origin)" },
  { kind: "no stream chosen on a node agent", does: "connects to `katanet serve --all-netns` at /", serveArgs: ["--all-netns"], protocol: "katanet.v1", gets: "HTTP 404", message: "choose a stream: /netns/NAME for a namespace, /netns for the listing" },
  { kind: "a namespace the node agent does not follow", does: "connects to `katanet serve --all-netns` at /netns/no-such-pod", serveArgs: ["--all-netns"], path: "/netns/no-such-pod", protocol: "katanet.v1", gets: "HTTP 404", message: `namespace "no-such-pod" is not followed here; /netns lists those that are` },
];

/** A message as docs/bad-input.md shows it: in backticks, pipes escaped for the table. */
export function markdownCell(text: string): string {
  return `\`${text.replaceAll("|", "\\|")}\``;
}
