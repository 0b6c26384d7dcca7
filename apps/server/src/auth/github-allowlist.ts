// Who may sign in with GitHub: members of the allowed organisations or teams, asked of GitHub
// with the user's own token at every sign-in, so a member who leaves loses access at their
// next sign-in.

/** GitHub's `per_page` maximum. */
const PAGE_SIZE = 100;
/** Enough for any real membership list; a longer one is refused rather than read forever. */
const MAX_PAGES = 10;

export interface Allowlist {
  orgs: readonly string[];
  /** "org/team-slug". */
  teams: readonly string[];
}

export function allowlistIsOpen(allowlist: Allowlist): boolean {
  return allowlist.orgs.length === 0 && allowlist.teams.length === 0;
}

/** Every item of a list endpoint, following GitHub's `Link: <…>; rel="next"` pagination. */
async function listAll<T>(url: string, accessToken: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = `${url}?per_page=${PAGE_SIZE}`;
  for (let page = 0; next !== null; page += 1) {
    if (page === MAX_PAGES) throw new Error(`${url} has more than ${MAX_PAGES} pages`);
    const response: Response = await fetch(next, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${accessToken}`,
        "user-agent": "bbos",
      },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(`GitHub answered ${response.status} for ${new URL(url).pathname}`);
    }
    items.push(...((await response.json()) as T[]));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1] ?? null;
  }
  return items;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the token's user belongs to an allowed organisation or team. GitHub logins and team
 * slugs are case-insensitive. Throws when GitHub cannot say.
 */
export async function isAllowed(
  allowlist: Allowlist,
  apiUrl: string,
  accessToken: string,
): Promise<boolean> {
  if (allowlistIsOpen(allowlist)) return true;
  if (allowlist.orgs.length > 0) {
    const orgs = await listAll<{ login: string }>(`${apiUrl}/user/orgs`, accessToken);
    if (orgs.some((org) => allowlist.orgs.some((allowed) => same(allowed, org.login)))) {
      return true;
    }
  }
  if (allowlist.teams.length > 0) {
    const teams = await listAll<{ slug: string; organization: { login: string } }>(
      `${apiUrl}/user/teams`,
      accessToken,
    );
    const names = teams.map((team) => `${team.organization.login}/${team.slug}`);
    if (names.some((name) => allowlist.teams.some((allowed) => same(allowed, name)))) {
      return true;
    }
  }
  return false;
}
