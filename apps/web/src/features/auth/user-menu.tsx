import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { sessionQueryOptions, signOut } from "./session-operations";

/** The header's account corner: who is signed in, how, and the way out. */
export function UserMenu() {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQueryOptions);
  const out = useMutation({
    mutationFn: signOut,
    // Everything cached belonged to the user who left.
    onSuccess: () => queryClient.resetQueries(),
  });
  const user = session.data?.user;
  if (!user) return null;
  return (
    <div className="user-menu">
      {session.data?.signIn === "dev" ? (
        <span className="user-menu__badge" title="Anyone can sign in as anyone: not for production">
          Development login
        </span>
      ) : null}
      <span className="user-menu__login" title={user.login}>
        {user.name ?? user.login}
      </span>
      {session.data?.signIn ? (
        <button type="button" onClick={() => out.mutate()} disabled={out.isPending}>
          Sign out
        </button>
      ) : null}
      {out.isError ? (
        <span className="user-menu__error" role="alert">
          {out.error.message}
        </span>
      ) : null}
    </div>
  );
}
