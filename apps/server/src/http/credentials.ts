import type { RequestHandler } from "express";

import type { Identity } from "../auth/identity.ts";

/**
 * 401 for a request whose API token is malformed, unknown, expired or revoked, rather than
 * serving it as anonymous: a script learns at once that its token stopped working. The answer
 * does not say which of the four it was.
 */
export function refuseInvalidCredentials(identity: Identity): RequestHandler {
  return (req, res, next) => {
    identity.refusesCredentials(req).then((refused) => {
      if (!refused) {
        next();
        return;
      }
      res.setHeader("WWW-Authenticate", 'Bearer error="invalid_token"');
      res.status(401).json({
        errors: [
          {
            message: "The API token is not valid (malformed, unknown, expired or revoked).",
            extensions: { code: "UNAUTHENTICATED" },
          },
        ],
      });
    }, next);
  };
}
