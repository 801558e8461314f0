// The stream URLs `follow` accepts, and where it may send a token: ws://HOST:PORT,
// wss://HOST:PORT, and ws+unix:///PATH for a `serve --unix PATH`. A token goes in clear
// over ws://, so only to this machine (loopback or a Unix socket); elsewhere wss:// is needed.

import { isLoopback } from "./listen.ts";

export type StreamUrl = { url: string; secure: boolean; local: boolean };

export function parseStreamUrl(text: string): StreamUrl {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error(`not a stream URL: "${text}"; give ws://HOST:PORT, wss://HOST:PORT or ws+unix:///PATH`);
  }
  switch (parsed.protocol) {
    case "ws+unix:":
      if (parsed.pathname === "" || parsed.pathname === "/") throw new Error(`"${text}" names no socket; give ws+unix:///PATH`);
      return { url: text, secure: false, local: true };
    case "ws:":
    case "wss:": {
      const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
      return { url: text, secure: parsed.protocol === "wss:", local: isLoopback({ kind: "tcp", host, port: 0 }) };
    }
    default:
      throw new Error(`unsupported stream URL scheme "${parsed.protocol}" in "${text}"; give ws://HOST:PORT, wss://HOST:PORT or ws+unix:///PATH`);
  }
}

/** Throws unless a token may be sent to `stream`. */
export function checkTokenTransport(stream: StreamUrl): void {
  if (stream.secure || stream.local) return;
  throw new Error(`refusing to send the token in clear over ws:// to ${new URL(stream.url).host}; use wss:// (see --ca-file), or a loopback address or ws+unix://`);
}
