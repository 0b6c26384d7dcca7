import type { RequestHandler } from "express";

import { sessionPolicy, type AuthOptions } from "../auth/auth-options.ts";
import type { Identity } from "../auth/identity.ts";
import { clearSessionCookie } from "../auth/session-cookie.ts";

/**
 * 401 for a request whose API token is malformed, unknown, expired or revoked, or whose session
 * cookie names no live session, rather than serving it as anonymous: a script learns at once
 * that its token stopped working, and a browser drops the stale cookie. The answer does not say
 * which of the reasons it was.
 */
export function refuseInvalidCredentials(identity: Identity, auth: AuthOptions): RequestHandler {
  return (req, res, next) => {
    identity.refusesCredentials(req).then((refused) => {
      if (refused === null) {
        next();
        return;
      }
      if (refused === "token") {
        res.setHeader("WWW-Authenticate", 'Bearer error="invalid_token"');
      } else if (auth.mode !== "local") {
        clearSessionCookie(res, sessionPolicy(auth));
      }
      res.status(401).json({
        errors: [
          {
            message:
              refused === "token"
                ? "The API token is not valid (malformed, unknown, expired or revoked)."
                : "Your session has ended; sign in again.",
            extensions: { code: "UNAUTHENTICATED" },
          },
        ],
      });
    }, next);
  };
}
