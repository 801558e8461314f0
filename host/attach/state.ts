// What detach needs, kept in a file a fresh process finds: /run/katanet/attach/<inode>.json,
// named by the network namespace's inode. Inodes are reused once a namespace is gone, so
// the file also holds the namespace's cookie (SO_NETNS_COOKIE, never reused while the
// machine runs): a file whose cookie differs belongs to a namespace that no longer exists
// and is discarded. Written whole to a temporary file and renamed over the old one, so a
// crash leaves either the previous record or the new one, never half of one.
// Why a file and not the namespace itself: the saved addresses and routes do not fit in
// any attribute a link can carry (an ifalias holds 256 bytes).
// The agent messages (a whole route table's worth) live in a file of their own beside it,
// <inode>.messages.json, written once per attachment before the record that needs them:
// the record is rewritten after every step, and rewriting the messages each time made a
// large namespace's attach and detach pay for them a dozen times.

import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Errno } from "../netlink/errno.ts";
import { AttachError } from "./errors.ts";
import { Buffer } from "node:buffer";
import process from "node:process";
import type { AgentMessages, NeighbourRule } from "../core-types.ts";
import type { JournalEntry } from "./journal.ts";
import type { AttachedEndpoint, SkippedEndpoint } from "./types.ts";

export const STATE_DIRECTORY = "/run/katanet/attach";
const VERSION = 1;

export interface NamespaceIdentity {
  /** The namespace file as given, resolved. */
  path: string;
  inode: string;
  cookie: string;
}

export interface AttachState {
  version: number;
  namespace: NamespaceIdentity;
  /** The endpoints an attach is connecting right now: if that attach dies, the next one
   * (or detach) rolls their steps back instead of reporting them. */
  pending: string[];
  endpoints: AttachedEndpoint[];
  skipped: SkippedEndpoint[];
  /** Agent messages by neighbour rule, each message in base64. */
  messages: Partial<Record<NeighbourRule, StoredMessages>>;
  journal: JournalEntry[];
}

type StoredMessages = { [K in keyof AgentMessages]: AgentMessages[K] extends Uint8Array[] ? string[] : string };

/** The record as it is on disk: the state without its messages. */
type AttachRecord = Omit<AttachState, "messages">;

/** Messages objects already on disk (read from there, or written): `{ ...state, journal }`
 * keeps the same object, so a step's save writes the record alone. */
const written = new WeakSet<object>();

export function statePath(inode: string): string {
  return `${STATE_DIRECTORY}/${inode}.json`;
}

function messagesPath(inode: string): string {
  return `${STATE_DIRECTORY}/${inode}.messages.json`;
}

/** The namespace's record, or null when there is none or it belongs to a namespace gone since. */
export function readState(namespace: NamespaceIdentity): AttachState | null {
  let text: string;
  try {
    text = readFileSync(statePath(namespace.inode), "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  }
  const record = JSON.parse(text) as AttachRecord;
  if (record.version !== VERSION || record.namespace.cookie !== namespace.cookie) {
    removeState(namespace);
    return null;
  }
  const messages = readMessages(namespace.inode);
  written.add(messages);
  return { ...record, messages };
}

function readMessages(inode: string): AttachState["messages"] {
  try {
    return JSON.parse(readFileSync(messagesPath(inode), "utf8")) as AttachState["messages"];
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return {};
    throw error;
  }
}

/** The record's directory, made if missing, and writable by this process: checked here so
 * that an ordinary user is told the same whether or not root has made it already (a user
 * that may read any file would otherwise get as far as the lock). */
export function ensureStateDirectory(): void {
  try {
    mkdirSync(STATE_DIRECTORY, { recursive: true, mode: 0o700 });
    accessSync(STATE_DIRECTORY, constants.W_OK);
  } catch (error) {
    throw asNeedsRoot(error, "create the state directory", STATE_DIRECTORY);
  }
}

/** An ordinary user cannot write the record (the directory is root's): it is told that
 * attach needs root, as an AttachError; any other error is returned as it is. */
export function asNeedsRoot(error: unknown, step: string, path: string): unknown {
  const code = (error as { code?: string }).code;
  if (code !== "EACCES" && code !== "EPERM") return error;
  return new AttachError(step, path, `${code}: attach and detach need root (CAP_NET_ADMIN, and /run/katanet to keep their record)`, Errno[code]);
}

export function writeState(state: AttachState): void {
  ensureStateDirectory();
  const { messages, ...record } = state;
  if (!written.has(messages)) {
    replaceFile(messagesPath(state.namespace.inode), JSON.stringify(messages));
    written.add(messages);
  }
  replaceFile(statePath(state.namespace.inode), JSON.stringify({ ...record, version: VERSION }, null, 1));
}

/** Whole or not at all: a crash leaves the old file or the new one. */
function replaceFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The record first: messages without a record are never read, and the next attach replaces them. */
export function removeState(namespace: NamespaceIdentity): void {
  rmSync(statePath(namespace.inode), { force: true });
  rmSync(messagesPath(namespace.inode), { force: true });
}

export function storeMessages(messages: Partial<Record<NeighbourRule, AgentMessages>>): AttachState["messages"] {
  const stored: AttachState["messages"] = {};
  for (const [rule, set] of Object.entries(messages) as [NeighbourRule, AgentMessages][]) {
    stored[rule] = Object.fromEntries(
      Object.entries(set).map(([key, value]) => [key, Array.isArray(value) ? value.map(base64) : base64(value)]),
    ) as StoredMessages;
  }
  return stored;
}

export function loadMessages(stored: AttachState["messages"]): Partial<Record<NeighbourRule, AgentMessages>> {
  const messages: Partial<Record<NeighbourRule, AgentMessages>> = {};
  for (const [rule, set] of Object.entries(stored) as [NeighbourRule, StoredMessages][]) {
    messages[rule] = Object.fromEntries(
      Object.entries(set).map(([key, value]) => [key, Array.isArray(value) ? value.map(bytes) : bytes(value)]),
    ) as unknown as AgentMessages;
  }
  return messages;
}

const base64 = (value: Uint8Array): string => Buffer.from(value).toString("base64");
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));
