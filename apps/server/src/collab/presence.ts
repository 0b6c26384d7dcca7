// Presence travels as y-protocols awareness: per Yjs client id a JSON state and a clock. Clients
// assert their own state, so the server rewrites every state it relays: `user` becomes the
// connection's signed-in identity, whatever the client claimed, and a connection may speak only
// for the client ids it introduced itself.
import { createHash } from "node:crypto";

import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

import { fieldPathToPointer, pointerToFieldPath } from "@bbos/collab";
import type { UserRow } from "@bbos/db";

import { MalformedMessageError } from "./messages.ts";

/** Who a presence state belongs to, as the server knows it. */
export interface PresenceUser {
  id: string;
  login: string;
  name: string | null;
  avatarUrl: string | null;
  /** A colour for the user's cursor and avatar ring, the same on every client. */
  color: string;
}

// Twelve hues far enough apart to tell users apart on a form.
const PALETTE = [
  "#e6194b",
  "#3cb44b",
  "#4363d8",
  "#f58231",
  "#911eb4",
  "#42d4f4",
  "#f032e6",
  "#469990",
  "#9a6324",
  "#800000",
  "#808000",
  "#000075",
];

export function toPresenceUser(user: UserRow): PresenceUser {
  const hash = createHash("sha256").update(user.id).digest();
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    avatarUrl: user.avatarUrl,
    color: PALETTE[hash.readUInt32BE(0) % PALETTE.length] as string,
  };
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** null: the client left. */
  state: Record<string, unknown> | null;
}

function readEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state: unknown = JSON.parse(decoding.readVarString(decoder));
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
      throw new MalformedMessageError("an awareness state must be an object or null");
    }
    entries.push({ clientId, clock, state: state as AwarenessEntry["state"] });
  }
  if (decoding.hasContent(decoder)) throw new MalformedMessageError("trailing awareness bytes");
  return entries;
}

/** Decodes an awareness update; throws {@link MalformedMessageError} for anything else. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  try {
    return readEntries(update);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError("undecodable awareness update", { cause: error });
  }
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * The presence fields every client reads, normalised: `field` (the JSON Pointer of the form
 * field being edited) is a well-formed pointer or null, `idle` a boolean.
 */
function presenceFields(state: Record<string, unknown>): { field: string | null; idle: boolean } {
  const { field, idle } = state;
  let pointer: string | null = null;
  if (typeof field === "string" && field.length <= MAX_FIELD_POINTER_CHARS) {
    try {
      pointer = fieldPathToPointer(pointerToFieldPath(field));
    } catch {
      pointer = null;
    }
  }
  return { field: pointer, idle: idle === true };
}

const MAX_FIELD_POINTER_CHARS = 512;

export interface StampOptions {
  user: PresenceUser;
  /** Whether a client id may be spoken for by this connection (its own, or not yet taken). */
  mayUse: (clientId: number) => boolean;
  /** States longer than this (as JSON) are dropped. */
  maxStateChars: number;
}

/**
 * The entries of a client's awareness update the server relays: only client ids the connection
 * may use, states within the size limit, each with `user` replaced by the signed-in identity.
 */
export function stampAwarenessEntries(
  entries: readonly AwarenessEntry[],
  { user, mayUse, maxStateChars }: StampOptions,
): AwarenessEntry[] {
  const stamped: AwarenessEntry[] = [];
  for (const entry of entries) {
    if (!mayUse(entry.clientId)) continue;
    if (entry.state === null) {
      stamped.push(entry);
      continue;
    }
    const state = { ...entry.state, user, ...presenceFields(entry.state) };
    if (JSON.stringify(state).length > maxStateChars) continue;
    stamped.push({ ...entry, state });
  }
  return stamped;
}
