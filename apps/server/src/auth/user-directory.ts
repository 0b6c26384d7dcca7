// Finding a person by GitHub login, to invite them to a project before they have signed in.
// With GitHub login the person must exist on GitHub, and is recorded under their GitHub id, so
// their first sign-in finds the invitation; elsewhere a login is just a name.
import { ensureUserByLogin, upsertGithubUser, type Db, type UserRow } from "@bbos/db";

import type { AuthOptions } from "./auth-options.ts";

export interface UserDirectory {
  /** The user with this login, recorded if new; null when no such person exists. */
  byLogin: (login: string) => Promise<UserRow | null>;
}

/** Thrown when GitHub cannot be asked; the invitation fails without blaming the login. */
class UserDirectoryUnavailableError extends Error {
  override readonly name = "UserDirectoryUnavailableError";
}

export function createUserDirectory(auth: AuthOptions, db: Db): UserDirectory {
  if (auth.mode !== "github") return { byLogin: (login) => ensureUserByLogin(db, login) };
  return {
    async byLogin(login) {
      // Public profiles need no token on github.com; the answer is GitHub's current login.
      let response: Response;
      try {
        response = await fetch(`${auth.apiUrl}/users/${encodeURIComponent(login)}`, {
          headers: { accept: "application/vnd.github+json", "user-agent": "bbos" },
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new UserDirectoryUnavailableError("GitHub could not be reached", { cause: error });
      }
      if (response.status === 404) return null;
      if (!response.ok) {
        throw new UserDirectoryUnavailableError(`GitHub answered ${response.status}`);
      }
      const found = (await response.json()) as {
        id: number;
        login: string;
        name?: string | null;
        avatar_url?: string | null;
        type?: string;
      };
      // An organisation has a login too, but cannot sign in.
      if (found.type !== undefined && found.type !== "User") return null;
      return upsertGithubUser(db, {
        githubId: BigInt(found.id),
        login: found.login,
        name: found.name ?? null,
        avatarUrl: found.avatar_url ?? null,
      });
    },
  };
}
