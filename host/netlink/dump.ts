// The four dumps that read a whole namespace, with request bodies built exactly like the
// Go netlink library's LinkList / AddrList / RouteList / NeighList (FAMILY_ALL), so a
// live dump returns the same messages the fixtures' `netlinkRequests` got.

import { NetlinkBuilder } from "./builder.ts";
import { DumpInterrupted, NLM_F_DUMP, NLM_F_REQUEST, type DumpSink, type NetlinkSocket } from "./socket.ts";
import { IFINFOMSG_SIZE, IFADDRMSG_SIZE, RTMSG_SIZE, NDMSG_SIZE, RT_TABLE_MAIN, RTPROT_BOOT, RTN_UNICAST } from "./constants.ts";

const RTM_GETLINK = 18;
const RTM_GETADDR = 22;
const RTM_GETROUTE = 26;
const RTM_GETNEIGH = 30;

const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_VF = 1;

const RT_SCOPE_UNIVERSE = 0;

const DUMP_FLAGS = NLM_F_REQUEST | NLM_F_DUMP;
const MAX_DUMP_ATTEMPTS = 10;

/** ifinfomsg for AF_UNSPEC, all zero, plus IFLA_EXT_MASK = RTEXT_FILTER_VF. */
export function linkDumpRequest(): Uint8Array {
  return new NetlinkBuilder(64)
    .beginMessage(RTM_GETLINK, DUMP_FLAGS)
    .header(new Uint8Array(IFINFOMSG_SIZE))
    .attrU32(IFLA_EXT_MASK, RTEXT_FILTER_VF)
    .endMessage()
    .finish();
}

/** ifaddrmsg for AF_UNSPEC, all zero. */
export function addressDumpRequest(): Uint8Array {
  return new NetlinkBuilder(64).beginMessage(RTM_GETADDR, DUMP_FLAGS).header(new Uint8Array(IFADDRMSG_SIZE)).endMessage().finish();
}

/** rtmsg as Go's nl.NewRtMsg(): table main, protocol boot, scope universe, type unicast.
 * On a non-strict socket the kernel ignores these and dumps every table. */
export function routeDumpRequest(): Uint8Array {
  const rtmsg = new Uint8Array(RTMSG_SIZE);
  rtmsg[4] = RT_TABLE_MAIN;
  rtmsg[5] = RTPROT_BOOT;
  rtmsg[6] = RT_SCOPE_UNIVERSE;
  rtmsg[7] = RTN_UNICAST;
  return new NetlinkBuilder(64).beginMessage(RTM_GETROUTE, DUMP_FLAGS).header(rtmsg).endMessage().finish();
}

/** ndmsg for AF_UNSPEC and ifindex 0 (all links), all zero. */
export function neighbourDumpRequest(): Uint8Array {
  return new NetlinkBuilder(64).beginMessage(RTM_GETNEIGH, DUMP_FLAGS).header(new Uint8Array(NDMSG_SIZE)).endMessage().finish();
}

const DUMPS = 4;

/** The four requests in the order a namespace is read: links, addresses, routes, neighbours. */
export function namespaceDumpRequests(): Uint8Array[] {
  return [linkDumpRequest(), addressDumpRequest(), routeDumpRequest(), neighbourDumpRequest()];
}

/** A sink that can drop what was committed after a given length, so an interrupted set
 * of dumps can be repeated from scratch. */
export interface RestartableSink extends DumpSink {
  /** Bytes committed so far. */
  readonly length: number;
  /** Forgets everything committed after the first `length` bytes. */
  truncate(length: number): void;
}

/**
 * Dumps links, addresses, routes and neighbours, in that order, into one sink. When the
 * kernel flags any dump as interrupted, the four are repeated from scratch (links and
 * addresses must describe the same moment), up to a bounded number of attempts.
 *
 * The first attempt makes the dumps from `from` (0 links ... 3 neighbours) up to `to`, a
 * repeat every one up to `to`: the dump thread's worker starts at the routes, after the
 * calling thread dumped links and addresses itself, and its sink, truncated to where it
 * started, drops those too (see DumpThread.dump).
 */
export function dumpNamespace(socket: Pick<NetlinkSocket, "dump">, sink: RestartableSink, from = 0, to = DUMPS): void {
  const start = sink.length;
  const requests = namespaceDumpRequests();
  for (let attempt = 1; ; attempt++) {
    try {
      for (const request of requests.slice(attempt === 1 ? from : 0, to)) socket.dump(request, sink);
      return;
    } catch (error) {
      if (!(error instanceof DumpInterrupted)) throw error;
      if (attempt === MAX_DUMP_ATTEMPTS) {
        throw new Error(`namespace kept changing during ${MAX_DUMP_ATTEMPTS} dump attempts (${error.request}); giving up`);
      }
      sink.truncate(start);
    }
  }
}
