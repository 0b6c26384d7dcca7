import type { RequestHandler } from "express";

/** The request body types a cross-site page may send without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);

/**
 * Apollo's `csrfPrevention` rule for the state-changing HTTP routes outside GraphQL: a request
 * that acts on ambient credentials (a session cookie, or nothing in a single-user installation)
 * must carry a `Content-Type` a cross-site page cannot send without a CORS preflight, which this
 * server never grants. A request with an API token (`Authorization`, which browsers never add
 * by themselves) passes as it is. Refusals are 400 in GraphQL's error shape.
 */
export function requirePreflightedRequest(): RequestHandler {
  return (req, res, next) => {
    const essence = req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
    if (
      req.headers.authorization !== undefined ||
      (essence && !SIMPLE_CONTENT_TYPES.has(essence))
    ) {
      next();
      return;
    }
    res.status(400).json({
      errors: [
        {
          message:
            "This request has been blocked as a possible cross-site request forgery: send a " +
            "Content-Type such as application/octet-stream (not text/plain, multipart/form-data " +
            "or application/x-www-form-urlencoded), or an API token.",
          extensions: { code: "BAD_REQUEST" },
        },
      ],
    });
  };
}
