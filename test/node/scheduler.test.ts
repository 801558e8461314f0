import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RescanScheduler } from "../../host/node/scheduler.ts";

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("rescan scheduler", () => {
  it("runs due jobs one per event-loop turn, the cheaper lane first", async () => {
    const scheduler = new RescanScheduler();
    const storm = scheduler.lane();
    const quiet = scheduler.lane();
    const order: string[] = [];
    await new Promise<void>((resolve) => storm(performance.now(), () => (busyFor(20), order.push("storm 1"), resolve())));
    await new Promise<void>((resolve) => {
      const now = performance.now();
      storm(now - 5, () => order.push("storm 2"));
      quiet(now, () => order.push("quiet"));
      quiet(now + 1, () => (order.push("quiet again"), resolve()));
    });
    scheduler.stop();
    assert.deepEqual(order, ["storm 1", "quiet", "quiet again"], "the expensive lane waits while the cheap one runs");
  });

  it("lets an expensive lane run again once its share allows, and drops cancelled jobs", async () => {
    const scheduler = new RescanScheduler();
    const lane = scheduler.lane();
    const ran: string[] = [];
    await new Promise<void>((resolve) => lane(performance.now(), () => (busyFor(5), resolve())));
    const cancel = lane(performance.now(), () => ran.push("cancelled"));
    cancel();
    await new Promise<void>((resolve) => lane(performance.now(), () => (ran.push("second"), resolve())));
    scheduler.stop();
    assert.deepEqual(ran, ["second"]);
  });

  it("runs nothing once stopped", async () => {
    const scheduler = new RescanScheduler();
    const lane = scheduler.lane();
    let ran = false;
    lane(performance.now(), () => (ran = true));
    scheduler.stop();
    lane(performance.now(), () => (ran = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(ran, false);
  });
});
