import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";

import { devSignIn, githubSignInHref, sessionQueryOptions } from "./session-operations";

/** The page a signed-out visitor sees: the one way this installation signs people in. */
export function SignInPage({ method }: { method: "github" | "dev" }) {
  return (
    <main className="sign-in">
      <h1 className="sign-in__title">BBOS</h1>
      <p className="sign-in__lead">Board images, built together.</p>
      {method === "github" ? (
        <a className="sign-in__github" href={githubSignInHref(window.location)}>
          Sign in with GitHub
        </a>
      ) : (
        <DevSignInForm />
      )}
    </main>
  );
}

function DevSignInForm() {
  const queryClient = useQueryClient();
  const [login, setLogin] = useState("");
  const inputId = useId();
  const noteId = useId();
  const signIn = useMutation({
    mutationFn: devSignIn,
    onSuccess: () => queryClient.invalidateQueries(sessionQueryOptions),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(login.trim());
  };
  return (
    <form className="sign-in__form" onSubmit={submit} aria-describedby={noteId}>
      <h2 className="sign-in__mode">Development login</h2>
      <p id={noteId} className="sign-in__note">
        No GitHub app is configured, so anyone can sign in here under any name, without a password.
        For trying BBOS on your own machine only.
      </p>
      <label htmlFor={inputId}>Sign in as</label>
      <input
        id={inputId}
        name="login"
        autoComplete="username"
        placeholder="a GitHub-style login, e.g. demo"
        value={login}
        onChange={(event) => setLogin(event.target.value)}
        required
      />
      {signIn.isError ? (
        <p className="sign-in__error" role="alert">
          {signIn.error.message}
        </p>
      ) : null}
      <button type="submit" disabled={signIn.isPending}>
        {signIn.isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
