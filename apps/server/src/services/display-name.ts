import { DomainError } from "@bbos/core";

/** Longest name of a board, project or API token, in characters. */
const MAX_NAME_LENGTH = 100;
/** Longest part of a rejected value repeated in an error message (as format-error.ts). */
const ECHO_LIMIT = 64;
/** Control characters (C0, DEL, C1): never part of a name shown in lists and tabs. */
const CONTROL = /\p{Cc}/u;

/** A user's value quoted in a message, cut short when long. */
export function echo(value: string): string {
  return JSON.stringify(value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value);
}

/**
 * A board, project or API token name as stored: trimmed, 1 to {@link MAX_NAME_LENGTH} characters, no
 * control characters.
 *
 * @throws DomainError `BAD_INPUT` otherwise.
 */
export function parseDisplayName(kind: "board" | "project" | "token", name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || [...trimmed].length > MAX_NAME_LENGTH || CONTROL.test(trimmed)) {
    throw new DomainError(
      "BAD_INPUT",
      `A ${kind} name is 1 to ${MAX_NAME_LENGTH} characters without control characters; got ${echo(name)}.`,
      { details: { field: "name" } },
    );
  }
  return trimmed;
}
