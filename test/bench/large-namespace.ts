// The 10,000-route live fixture's namespace, rebuilt for the benches that time one
// namespace: the fixture holding the most routes on the fewest links, chosen by content.
import { liveFixtures } from "../support/fixtures.ts";
import { buildFixtureNamespaces, waitForSettledNamespace, type FixtureNamespaces } from "../support/netns.ts";

const MANY_ROUTES = 5_000;

export async function buildManyRoutesNamespace(): Promise<FixtureNamespaces & { routes: number }> {
  const [fixture] = liveFixtures()
    .filter((f) => f.expected.error === null && f.netlink.routes.length >= MANY_ROUTES)
    .sort((a, b) => a.netlink.links.length - b.netlink.links.length);
  if (!fixture) throw new Error(`no live fixture with ${MANY_ROUTES} routes or more`);
  const namespaces = buildFixtureNamespaces(fixture);
  await waitForSettledNamespace(namespaces.namespace);
  return { ...namespaces, routes: fixture.netlink.routes.length };
}
