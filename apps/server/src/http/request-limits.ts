import type { ServerOptions } from "node:http";

import type { RequestHandler } from "express";

/** Largest request body accepted, in bytes: refused on its announced size, and by the parser. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How long the server waits for a client, in milliseconds. */
export interface HttpTimeouts {
  /** The whole request, headers and body. @defaultValue 30_000 */
  requestMs: number;
  /** The request's headers. @defaultValue 10_000 */
  headersMs: number;
  /** An idle keep-alive connection. @defaultValue 5_000 */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  requestMs: 30_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
};

/**
 * `http.createServer` options that bound how long a client can hold a connection: Node's
 * defaults wait 300 s for a request body, so a client sending one byte at a time would keep its
 * socket (and its memory) for five minutes. Node enforces these timeouts only when it checks its
 * connections, every 30 s by default; it checks every second here.
 */
export function httpServerOptions(timeouts: HttpTimeouts): ServerOptions {
  return {
    requestTimeout: timeouts.requestMs,
    headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: Math.min(1_000, timeouts.requestMs),
  };
}

/**
 * Refuses a body whose announced `content-length` is over `maxBytes` with 413 at once, before
 * reading any of it, and closes the connection so the client stops sending. (The JSON parser
 * would also refuse it, but only after the response; Node would keep draining the body.)
 */
export function refuseOversizedBodies(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const announced = Number(req.headers["content-length"] ?? 0);
    if (!(announced > maxBytes)) {
      next();
      return;
    }
    res.setHeader("Connection", "close");
    res.status(413).json({
      errors: [
        {
          message: `request body is larger than the limit of ${maxBytes} bytes`,
          extensions: { code: "PAYLOAD_TOO_LARGE" },
        },
      ],
    });
  };
}
