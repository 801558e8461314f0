// The live page in real headless Chromium (Debian's chromium, driven by puppeteer-core
// with its executable path: nothing is downloaded). A namespace changes under the page
// and the page follows without a reload; a token-protected server asks for the token.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { attach, detach } from "../../host/attach/index.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const skip = namespaceTestsSkip() || (CHROMIUM === undefined ? "no chromium (apt-get install chromium; .ci/run does)" : false);

const POD = [
  "link set lo up",
  "link add eth0 address 02:00:0a:01:00:02 type veth peer name peer0 address 02:00:0a:01:00:01",
  "link set eth0 addrgenmode none",
  "link set peer0 addrgenmode none",
  "link set eth0 up",
  "link set peer0 up",
  "addr add 10.1.0.2/24 dev eth0",
  "route add default via 10.1.0.1 dev eth0",
  "route add 10.5.0.0/16 via 10.1.0.1 dev eth0",
];

const pageUrl = (server: Server) => server.address.replace(/^ws:/, "http:") + "/";
const textOf = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? "");

/** Waits until the element's text passes `test` (no time limit of its own: a broken page fails the run's timeout). */
async function waitForText(page: Page, selector: string, test: string, present = true): Promise<void> {
  await page.waitForFunction(
    (css: string, needle: string, wanted: boolean) => (document.querySelector(css)?.textContent ?? "").includes(needle) === wanted,
    { timeout: 0, polling: 50 },
    selector,
    test,
    present,
  );
}

describe("katanet serve's page", { skip }, () => {
  let namespace = "";
  let browser: Browser;
  const servers: Server[] = [];
  const output = mkdtempSync(join(tmpdir(), "katanet-page-"));

  before(async () => {
    namespace = createNamespace();
    ipBatch(namespace, POD);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // root has no user namespaces for Chromium's sandbox here
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
    deleteNamespaces(namespace);
    assertCleanState();
    console.log(`page screenshots in ${output}`);
  });

  it("shows eth0 and its routes, follows route changes without a reload, and lists a table-100 route as dropped", async () => {
    const server = await serve({ netns: namespace, listen: "127.0.0.1:0" });
    servers.push(server);
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1100 });
    await page.goto(pageUrl(server));
    await waitForText(page, "#interfaces", "10.1.0.2/24");
    assert.match(await textOf(page, "#interfaces"), /eth0/);
    await waitForText(page, "#routes", "10.5.0.0/16");
    assert.match(await textOf(page, "#connection"), /^live/);

    ipBatch(namespace, ["route add 10.6.0.0/16 via 10.1.0.1 dev eth0"]);
    await waitForText(page, "#routes", "10.6.0.0/16");
    ipBatch(namespace, ["route del 10.5.0.0/16 via 10.1.0.1 dev eth0"]);
    await waitForText(page, "#routes", "10.5.0.0/16", false);

    ipBatch(namespace, ["route add 10.7.0.0/16 via 10.1.0.1 dev eth0 table 100"]);
    await waitForText(page, "#dropped", "10.7.0.0/16");
    const row = await page.$$eval("#dropped tbody tr", (rows) =>
      rows.map((tr) => tr.textContent ?? "").find((text) => text.includes("10.7.0.0/16")));
    assert.match(row ?? "", /dropped.*route\.not-main-table.*only the main table \(254\) is read; this route is in table 100/);
    assert.doesNotMatch(await textOf(page, "#routes"), /10\.7\.0\.0/);
    await waitForText(page, "#log", "10.6.0.0/16");

    // Attached, each pod link shows the tap the VM is wired to; detached, no longer.
    attach({ netns: namespace, keepFds: false });
    try {
      await waitForText(page, "#diagram", "→ VM via tcfilter tap0_kata");
      await page.screenshot({ path: join(output, "page-attached.png"), fullPage: true });
    } finally {
      detach({ netns: namespace });
    }
    await waitForText(page, "#diagram", "tap0_kata", false);

    const screenshot = join(output, "page.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
    await page.close();
  });

  it("asks for the token when the server needs one, and connects with it", async () => {
    const tokenFile = join(output, "token");
    writeFileSync(tokenFile, "s3cret-token\n", { mode: 0o600 });
    const server = await serve({ netns: namespace, listen: "127.0.0.1:0", tokenFile });
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(pageUrl(server));
    await page.waitForSelector("#token-form:not([hidden])", { timeout: 0 });
    assert.equal(await textOf(page, "#connection"), "token needed");
    assert.equal(await textOf(page, "#interfaces tbody"), "no interfaces: Kata would send the guest nothing");

    await page.type("#token-input", "wrong");
    await page.click("#token-form button");
    await waitForText(page, "#token-error", "The server refused that token.");

    await page.type("#token-input", "s3cret-token");
    await page.click("#token-form button");
    await waitForText(page, "#interfaces", "10.1.0.2/24");
    assert.match(await textOf(page, "#connection"), /^live/);
    await page.screenshot({ path: join(output, "page-token.png"), fullPage: true });
    await page.close();
  });
});

