import { DomainError, isRecordId } from "@bbos/core";
import {
  createApiToken,
  isUniqueViolation,
  listApiTokens,
  revokeApiToken,
  type ApiTokenRow,
  type Db,
  type UserRow,
} from "@bbos/db";

import { createTokenSecret, TOKEN_PREFIX_LENGTH, type ApiTokenScope } from "../auth/api-tokens.ts";
import type { Viewer } from "../auth/identity.ts";
import { requireViewer } from "./board-access.ts";
import { echo, parseDisplayName } from "./display-name.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A token lives 90 days unless asked otherwise, one year at most. */
const DEFAULT_LIFETIME_DAYS = 90;
const MAX_LIFETIME_DAYS = 366;

/** Token management needs the person: a token cannot make or revoke tokens. */
function requireSession(viewer: Viewer | null): UserRow {
  if (viewer?.tokenScopes !== undefined) {
    throw new DomainError("FORBIDDEN", "API tokens are managed when signed in, not with a token.");
  }
  return requireViewer(viewer);
}

/** The signed-in user's API tokens: create (the secret is answered once), list, revoke. */
export function createTokenService(db: Db) {
  return {
    list(viewer: Viewer | null): Promise<ApiTokenRow[]> {
      return listApiTokens(db, requireViewer(viewer).id);
    },

    /**
     * @throws DomainError `BAD_INPUT` for a bad name, no scopes or a lifetime outside 1…366
     *   days, `CONFLICT` for a name the user already gave a token.
     */
    async create(
      viewer: Viewer | null,
      args: { name: string; scopes: readonly ApiTokenScope[]; expiresInDays?: number | null },
    ): Promise<{ token: ApiTokenRow; secret: string }> {
      const user = requireSession(viewer);
      const name = parseDisplayName("token", args.name);
      if (args.scopes.length === 0) {
        throw new DomainError(
          "BAD_INPUT",
          "A token needs at least one scope: READ, BUILD or ADMIN.",
          {
            details: { field: "scopes" },
          },
        );
      }
      const days = args.expiresInDays ?? DEFAULT_LIFETIME_DAYS;
      if (!Number.isInteger(days) || days < 1 || days > MAX_LIFETIME_DAYS) {
        throw new DomainError(
          "BAD_INPUT",
          `A token expires after 1 to ${MAX_LIFETIME_DAYS} days; got ${days}.`,
          { details: { field: "expiresInDays" } },
        );
      }
      const secret = createTokenSecret();
      try {
        const token = await createApiToken(db, {
          userId: user.id,
          name,
          token: secret,
          prefixLength: TOKEN_PREFIX_LENGTH,
          scopes: [...new Set(args.scopes)],
          expiresAt: new Date(Date.now() + days * DAY_MS),
        });
        return { token, secret };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new DomainError("CONFLICT", `You already have a token named ${echo(name)}.`, {
          cause: error,
          details: { field: "name" },
        });
      }
    },

    /** @throws DomainError `NOT_FOUND` unless the token is the viewer's. */
    async revoke(viewer: Viewer | null, tokenId: string): Promise<ApiTokenRow> {
      const user = requireSession(viewer);
      const token = isRecordId(tokenId) ? await revokeApiToken(db, user.id, tokenId) : null;
      if (!token) throw new DomainError("NOT_FOUND", "You have no API token with that id.");
      return token;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
