import type { ErrorRequestHandler } from "express";

import type { Logger } from "../logger.ts";

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Last-resort handler for errors raised before GraphQL runs (body parsing, static files).
 * Answers in GraphQL's error shape, so clients read one format.
 */
export function httpErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: BodyParserError, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const reply = (status: number, code: string, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    switch (error.type ?? "") {
      case "entity.too.large":
        reply(
          413,
          "PAYLOAD_TOO_LARGE",
          `request body is larger than the limit of ${error.limit ?? "?"} bytes`,
        );
        return;
      case "entity.parse.failed":
        // The parser's message quotes the body; a few characters of it are enough.
        reply(400, "BAD_REQUEST", `request body is not valid JSON: ${error.message.slice(0, 200)}`);
        return;
      case "encoding.unsupported":
      case "charset.unsupported":
        reply(415, "BAD_REQUEST", error.message);
        return;
      default:
        // Anything else body parsing rejects (a gzip body that is not gzip, a bad length) is
        // still the client's mistake.
        if (error.status && error.status >= 400 && error.status < 500) {
          log.info({ err: error }, "request refused");
          reply(error.status, "BAD_REQUEST", `request refused: ${error.message.slice(0, 200)}`);
          return;
        }
        log.error({ err: error }, "unhandled error in an HTTP route");
        reply(500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  };
}
