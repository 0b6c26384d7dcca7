import type { CSSProperties } from "react";

import type { Collaborator } from "./collaborators";

/** The others on the board as small coloured initials, with who edits what in the tooltip. */
export function BoardPresence({ collaborators }: { collaborators: readonly Collaborator[] }) {
  if (collaborators.length === 0) {
    return <p className="muted presence presence--alone">Only you</p>;
  }
  return (
    <ul className="presence" aria-label="People on this board">
      {collaborators.map((collaborator) => {
        const name = collaborator.sameBrowser ? "You, in another tab" : collaborator.login;
        const title = collaborator.field ? `${name}, editing ${collaborator.field}` : name;
        return (
          <li
            key={collaborator.clientId}
            className="presence__avatar"
            style={{ "--presence-color": collaborator.color } as CSSProperties}
            title={title}
            aria-label={title}
          >
            {initials(collaborator.login)}
          </li>
        );
      })}
    </ul>
  );
}

/** Up to two letters of a login: "alice" → "AL", "bob-smith" → "BS". */
function initials(login: string): string {
  const words = login.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const letters =
    words.length >= 2 ? `${words[0]?.[0] ?? ""}${words[1]?.[0] ?? ""}` : login.slice(0, 2);
  return letters.toUpperCase() || "?";
}
