import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { sessionQueryOptions } from "./session-operations";
import { SignInPage } from "./sign-in-page";

/**
 * Shows `children` (the workspace) once someone is signed in, the sign-in page when nobody is,
 * and what went wrong when the server cannot say.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const session = useQuery(sessionQueryOptions);
  if (session.isPending) {
    return <p className="auth-status">Checking who is signed in…</p>;
  }
  if (session.isError) {
    return (
      <div className="auth-status" role="alert">
        <p>Could not reach the BBOS server: {session.error.message}</p>
        <button type="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const { user, signIn } = session.data;
  if (!user && signIn) return <SignInPage method={signIn} />;
  return children;
}
