// A separate process that changes routes at a steady rate, for the watch bench: every
// other event adds the next route, the others delete the route added WINDOW adds earlier,
// so the route set stays small while the namespace never stops changing. It reports over
// the IPC channel when each add was sent (CLOCK_MONOTONIC, shared with the parent) and
// how late each of its sleeps ended: the machine's wake-up latency during the run, which
// bounds the server's too, as the server also sleeps until the kernel wakes it.
// Between events it sleeps rather than spins: a spinning churn takes one of the bench
// machine's two cores from the server it measures, and the scheduler, seeing it use its
// whole slice, keeps preempting it (adds 3-4 ms apart at p99 instead of 0.2 ms).
//
//   route-churn NAMESPACE EVENTS_PER_SECOND DURATION_MS

import { NetlinkBuilder } from "../../host/netlink/builder.ts";
import { inNamespace } from "../../host/netlink/netns.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";

export const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
export const NLM_F_CREATE = 0x400;
export const NLM_F_EXCL = 0x200;
const AF_INET = 2;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RTN_UNICAST = 1;
const RTA_DST = 1;
const RTA_GATEWAY = 5;
const WINDOW = 32;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export interface ChurnReport {
  addTimes: number[];
  /** For each sleep: how long after its due time it ended, in ms. */
  wakeLatenessMs: number[];
}

/** Blocks until `due` (hrtime ns) with a futex wait, as no timer is that fine; returns how
 * late it woke, or undefined when `due` had already passed. */
function sleepUntil(due: bigint): number | undefined {
  const remainingMs = Number(due - process.hrtime.bigint()) / 1e6;
  if (remainingMs <= 0) return undefined;
  Atomics.wait(sleeper, 0, 0, remainingMs);
  return Number(process.hrtime.bigint() - due) / 1e6;
}

/** Destination of route `index`: 10.150.0.0/16 counted up, one /32 each. */
export const churnDestination = (index: number): string => `10.150.${(index >> 8) & 255}.${index & 255}`;
export const CHURN_GATEWAY = "10.1.0.254";

export function routeMessage(type: number, flags: number, index: number): Uint8Array {
  const rtmsg = new Uint8Array(12);
  rtmsg[0] = AF_INET;
  rtmsg[1] = 32;
  rtmsg[4] = RT_TABLE_MAIN;
  rtmsg[5] = RTPROT_BOOT;
  rtmsg[7] = RTN_UNICAST;
  return new NetlinkBuilder(64)
    .beginMessage(type, flags)
    .header(rtmsg)
    .attr(RTA_DST, new Uint8Array([10, 150, (index >> 8) & 255, index & 255]))
    .attr(RTA_GATEWAY, new Uint8Array(CHURN_GATEWAY.split(".").map(Number)))
    .endMessage()
    .finish();
}

function churn(namespace: string, eventsPerSecond: number, durationMs: number): ChurnReport {
  const socket = inNamespace(namespace, () => NetlinkSocket.open());
  const addTimes: number[] = [];
  const wakeLatenessMs: number[] = [];
  const interval = 1e9 / eventsPerSecond;
  const start = process.hrtime.bigint();
  const events = Math.floor((eventsPerSecond * durationMs) / 1000);
  try {
    for (let event = 0; event < events; event++) {
      const due = start + BigInt(Math.round(event * interval));
      const lateness = sleepUntil(due);
      if (lateness !== undefined) wakeLatenessMs.push(lateness);
      const index = event >> 1;
      if (event % 2 === 0) {
        addTimes.push(Number(process.hrtime.bigint()));
        socket.request(routeMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, index));
      } else if (index >= WINDOW) {
        socket.request(routeMessage(RTM_DELROUTE, 0, index - WINDOW));
      }
    }
  } finally {
    socket.close();
  }
  return { addTimes, wakeLatenessMs };
}

const [namespace, rate, duration] = process.argv.slice(2);
if (namespace !== undefined && process.send) {
  process.send(churn(namespace, Number(rate), Number(duration)));
}
