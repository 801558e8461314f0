// Errors across the dump thread's boundary: the worker's error travels through the ring
// as JSON and comes back on the calling thread as the same class with the same fields.
import { NetlinkError, NetlinkProtocolError } from "./socket.ts";
import { SysError } from "./sys.ts";

interface ErrorDescription {
  name: string;
  message: string;
  /** Own enumerable properties: NetlinkError's errno and extAck, SysError's call, ... */
  fields: Record<string, unknown>;
  /** Fields holding undefined, which JSON would drop. */
  undefinedFields: string[];
}

/** Classes the worker can throw that callers tell apart; others arrive as Error. */
const REVIVED_CLASSES: Record<string, new (...args: never[]) => Error> = {
  NetlinkError,
  NetlinkProtocolError,
  SysError,
  RangeError,
  TypeError,
};

export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {}, undefinedFields: [] };
  const fields: Record<string, unknown> = { ...error };
  const undefinedFields = Object.keys(fields).filter((key) => fields[key] === undefined);
  return { name: error.name, message: error.message, fields, undefinedFields };
}

/** The same class, message and fields; the constructor is skipped (it would rebuild the
 * message from arguments not all of which are kept), the stack is the calling thread's. */
export function reviveError(json: Uint8Array): Error {
  const { name, message, fields, undefinedFields } = JSON.parse(new TextDecoder().decode(json)) as ErrorDescription;
  const error = Reflect.construct(Error, [message], REVIVED_CLASSES[name] ?? Error) as Error;
  for (const key of undefinedFields) fields[key] = undefined;
  return Object.assign(error, fields);
}
