// katanet's live page: connects to the `katanet serve` stream (katanet.json.v1), asks for
// explanations, and shows the pod's network as the Kata guest gets it. No framework, no
// build: every value from the stream goes into the page as text, never as markup.

const SVG = "http://www.w3.org/2000/svg";
const TOKEN_KEY = "katanet.token";
const TOKEN_PREFIX = "base64url.bearer.";
const RECONNECT_MS = 2000;

const state = {
  interfaces: new Map(), // name -> Interface (protojson)
  routes: [],
  neighbours: [],
  explanation: { items: [], findings: [] },
  attachment: [], // what `katanet attach` connected: name -> its tap or macvtap
  seq: "0",
};

const $ = (id) => document.getElementById(id);

// ---- connection ----

let config = { tokenRequired: false };
let socket = null;
let opened = false;

async function start() {
  render();
  try {
    config = await (await fetch("page-config.json", { cache: "no-store" })).json();
  } catch {
    // an older server: no token prompt unless the connection is refused
  }
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
    $("token-form").hidden = true;
    connect();
  });
  if (config.tokenRequired && !sessionStorage.getItem(TOKEN_KEY)) askForToken("");
  else connect();
}

function askForToken(problem) {
  setConnection("token", "token needed");
  $("token-form").hidden = false;
  $("token-error").hidden = problem === "";
  $("token-error").textContent = problem;
  $("token-input").value = "";
  $("token-input").focus();
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function connect() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const protocols = ["katanet.json.v1"];
  if (token) protocols.push(TOKEN_PREFIX + base64url(token));
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
  setConnection("connecting", "connecting…");
  opened = false;
  socket = new WebSocket(url, protocols);
  socket.addEventListener("open", () => {
    opened = true;
    setConnection("live", `live · ${location.host}`);
    socket.send(JSON.stringify({ explain: {} }));
  });
  socket.addEventListener("message", (event) => {
    receive(JSON.parse(event.data));
    void refreshAttachment();
  });
  socket.addEventListener("close", (event) => {
    if (!opened && config.tokenRequired) {
      sessionStorage.removeItem(TOKEN_KEY);
      askForToken(token ? "The server refused that token." : "");
      return;
    }
    const why = event.reason ? `: ${event.reason}` : "";
    setConnection(opened ? "closed" : "refused", `${opened ? "disconnected" : "cannot connect"} (${event.code}${why}); retrying`);
    log("connection", `closed with ${event.code}${why}`);
    setTimeout(connect, RECONNECT_MS);
  });
}

function setConnection(kind, text) {
  const element = $("connection");
  element.dataset.state = kind;
  element.textContent = text;
}

// ---- the stream ----

let snapshots = 0;

function receive(envelope) {
  const sameSeq = envelope.seq === state.seq;
  state.seq = envelope.seq;
  if (envelope.snapshot || envelope.resync) {
    const snapshot = envelope.snapshot ?? envelope.resync;
    state.interfaces = new Map(snapshot.interfaces.Interfaces.map((iface) => [iface.name, iface]));
    state.routes = snapshot.routes.Routes;
    state.neighbours = snapshot.neighbors.ARPNeighbors;
    // the explain request brings the same snapshot again: say it once
    if (!(envelope.snapshot && sameSeq && snapshots++ > 0)) {
      log(envelope.snapshot ? "snapshot" : "resync", `${state.interfaces.size} interfaces, ${state.routes.length} routes, ${state.neighbours.length} neighbours`);
    }
  } else if (envelope.updateInterface) {
    const iface = envelope.updateInterface.interface;
    log("interface", `${iface.name} updated: mtu ${iface.mtu}, ${iface.IPAddresses.map(addressText).join(" ") || "no addresses"}`);
    state.interfaces.set(iface.name, iface);
  } else if (envelope.updateRoutes) {
    const routes = envelope.updateRoutes.routes?.Routes ?? [];
    logDifference("route", state.routes.map(routeText), routes.map(routeText));
    state.routes = routes;
  } else if (envelope.addNeighbors) {
    const added = envelope.addNeighbors.neighbors?.ARPNeighbors ?? [];
    for (const neighbour of added) log("neighbour", neighbourText(neighbour), "added");
    state.neighbours = [...state.neighbours.filter((old) => !added.some((n) => sameNeighbour(n, old))), ...added];
  } else if (envelope.interfaceRemoved) {
    log("interface", `${envelope.interfaceRemoved.name} removed`, "removed");
    state.interfaces.delete(envelope.interfaceRemoved.name);
  } else if (envelope.leftOut) {
    log("left out", (envelope.skipped ?? []).map((link) => `${link.name}: ${link.reason}`).join("; ") || "no link is left out now");
  } else if (envelope.explanation) {
    const before = notSent(state.explanation.items);
    const explanation = { items: envelope.explanation.items ?? [], findings: envelope.explanation.findings ?? [] };
    if (state.explanation.items.length > 0) logDifference("left out", before, notSent(explanation.items));
    state.explanation = explanation;
  }
  render();
}

// An attach creates or removes links, so every envelope may change what is attached; the
// record is asked for again (with the token, like /metrics), and a server that cannot
// say (several namespaces, no permission) leaves the diagram without taps.
async function refreshAttachment() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  try {
    const response = await fetch("attachment", { cache: "no-store", headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const attachment = response.ok ? await response.json() : [];
    if (JSON.stringify(attachment) === JSON.stringify(state.attachment)) return;
    state.attachment = attachment;
  } catch {
    return;
  }
  render();
}

const attachedText = (endpoint) =>
  endpoint.model === "none" ? "VM shares the host network" : `→ VM via ${endpoint.model} ${endpoint.tapName}${endpoint.devicePath ? ` (${endpoint.devicePath})` : ""}`;

const sameNeighbour = (a, b) => a.device === b.device && a.toIPAddress?.address === b.toIPAddress?.address;
const notSent = (items) => items.filter((item) => item.mark !== "sent").map((item) => `${item.object} (${item.rule})`);

// ---- change log ----

function log(what, text, tone = "") {
  const entry = document.createElement("li");
  const time = document.createElement("time");
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString([], { hour12: false }) + "." + String(now.getMilliseconds()).padStart(3, "0");
  const body = document.createElement("span");
  body.className = tone;
  body.textContent = `${what}: ${text}`;
  entry.append(time, body);
  $("log").prepend(entry);
  while ($("log").children.length > 500) $("log").lastChild.remove();
}

function logDifference(what, before, after) {
  for (const text of after.filter((line) => !before.includes(line))) log(what, `+ ${text}`, "added");
  for (const text of before.filter((line) => !after.includes(line))) log(what, `- ${text}`, "removed");
}

// ---- text forms ----

const addressText = (address) => `${address.address}/${address.mask}`;
const routeText = (route) =>
  `${route.dest || "default"}${route.gateway ? ` via ${route.gateway}` : ""} dev ${route.device}${route.source ? ` src ${route.source}` : ""}${route.mtu ? ` mtu ${route.mtu}` : ""}`;
const neighbourText = (neighbour) => `${neighbour.toIPAddress?.address ?? "?"} lladdr ${neighbour.lladdr || "-"} dev ${neighbour.device}`;
const NUD = { 1: "INCOMPLETE", 2: "REACHABLE", 4: "STALE", 8: "DELAY", 16: "PROBE", 32: "FAILED", 64: "NOARP", 128: "PERMANENT" };

// ---- rendering ----

function render() {
  renderTable("interfaces", [...state.interfaces.values()], (iface) => [
    iface.name, iface.IPAddresses.map(addressText).join("\n") || "-", iface.mtu, iface.hwAddr, iface.type,
  ], "no interfaces: Kata would send the guest nothing");
  renderTable("routes", state.routes, (route) => [route.dest || "default", route.gateway || "-", route.device, route.source || "-", route.mtu || "-"], "no routes");
  renderTable("neighbours", state.neighbours, (n) => [n.toIPAddress?.address ?? "?", n.lladdr || "-", n.device, NUD[n.state] ?? n.state], "no static neighbours");
  renderDropped();
  renderFindings();
  renderDiagram();
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = String(text);
  td.style.whiteSpace = "pre-line";
  if (className) td.className = className;
  return td;
}

function renderTable(id, rows, columns, emptyText) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement("tr");
    tr.append(...columns(row).map((value) => cell(value)));
    body.append(tr);
  }
  if (rows.length === 0) emptyRow(body, $(id).tHead.rows[0].cells.length, emptyText);
}

function emptyRow(body, span, text) {
  const tr = document.createElement("tr");
  tr.className = "empty";
  const td = cell(text);
  td.colSpan = span;
  tr.append(td);
  body.append(tr);
}

function renderDropped() {
  const body = $("dropped").tBodies[0];
  body.replaceChildren();
  const items = state.explanation.items.filter((item) => item.mark !== "sent");
  for (const item of items) {
    const tr = document.createElement("tr");
    tr.dataset.rule = item.rule;
    const mark = document.createElement("span");
    mark.className = `mark ${item.mark}`;
    mark.textContent = item.mark;
    const markCell = cell("", "text");
    markCell.append(mark);
    tr.append(markCell, cell(item.object), cell(item.rule, "rule"), cell(item.reason, "text"));
    body.append(tr);
  }
  if (items.length === 0) emptyRow(body, 4, "nothing: every object goes to the guest as it is");
}

function renderFindings() {
  const list = $("findings");
  list.replaceChildren();
  for (const finding of state.explanation.findings) {
    const li = document.createElement("li");
    li.className = finding.severity;
    const head = document.createElement("div");
    head.textContent = `${finding.severity} · ${finding.rule}: ${finding.objects.join("; ")}`;
    const fix = document.createElement("div");
    fix.className = "fix";
    fix.textContent = finding.fix;
    li.append(head, fix);
    list.append(li);
  }
  if (state.explanation.findings.length === 0) {
    const li = document.createElement("li");
    li.className = "none";
    li.textContent = "none: the guest agent should take everything it is sent";
    list.append(li);
  }
}

// The pod's links on the left, the guest's interfaces on the right, a line from each link
// to what it becomes; links Kata leaves out say why.
function renderDiagram() {
  const links = state.explanation.items.filter((item) => item.kind === "link");
  const pod = links.length > 0 ? links : [...state.interfaces.keys()].map((name) => ({ link: name, mark: "sent", object: `link ${name}`, reason: "" }));
  const guest = [...state.interfaces.values()];
  const rowHeight = 62;
  const height = Math.max(pod.length, guest.length, 1) * rowHeight + 40;
  const svg = element("svg", { viewBox: `0 0 900 ${height}`, role: "img", "aria-label": "pod links and guest interfaces" });
  svg.append(text(20, 20, "pod namespace", "column"), text(580, 20, "Kata guest", "column"));
  const guestRow = new Map(guest.map((iface, index) => [iface.name, index]));
  pod.forEach((item, index) => {
    const y = 32 + index * rowHeight;
    svg.append(element("rect", { x: 20, y, width: 400, height: 48, rx: 6, class: `box ${item.mark}` }));
    svg.append(text(32, y + 20, item.object.replace(/^link /, "")));
    const target = guestRow.get(item.link);
    if (item.mark === "dropped" || target === undefined) {
      svg.append(text(32, y + 38, item.reason ? `left out: ${item.reason}` : "left out", "why", 380));
      return;
    }
    const attached = state.attachment.find((endpoint) => endpoint.name === item.link);
    const status = item.mark === "changed" ? "sent, changed" : "sent";
    svg.append(text(32, y + 38, attached ? `${status} · ${attachedText(attached)}` : status, "small", 380));
    const toY = 32 + target * rowHeight + 24;
    svg.append(element("path", { d: `M420 ${y + 24} C 500 ${y + 24}, 500 ${toY}, 580 ${toY}` }));
  });
  guest.forEach((iface, index) => {
    const y = 32 + index * rowHeight;
    svg.append(element("rect", { x: 580, y, width: 300, height: 48, rx: 6, class: "guest" }));
    svg.append(text(592, y + 20, `${iface.name} · ${iface.type || "interface"} · mtu ${iface.mtu}`));
    svg.append(text(592, y + 38, iface.IPAddresses.map(addressText).join("  ") || "no addresses", "small", 280));
  });
  $("diagram").replaceChildren(svg);
}

function element(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

function text(x, y, content, className = "", maxWidth = 0) {
  const node = element("text", { x, y, class: className });
  const limit = maxWidth > 0 ? Math.floor(maxWidth / 6.2) : 0;
  node.textContent = limit > 0 && content.length > limit ? content.slice(0, limit - 1) + "…" : content;
  const title = element("title", {});
  title.textContent = content;
  node.append(title);
  return node;
}

start();
