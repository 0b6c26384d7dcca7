// The y-websocket wire format (one message per WebSocket frame, lib0 encoding):
//   varUint type • payload
//   0 sync:       varUint step (0 state vector, 1 missing updates, 2 update) • varUint8Array
//   1 awareness:  varUint8Array awareness update
//   2 auth:       varUint 0 (permission denied) • varString reason      (server → client only)
//   3 query awareness (no payload)
// Decoding is strict: a frame with trailing bytes, an unknown type or an undecodable Yjs update
// is malformed, so garbage never reaches the document.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

export type ClientMessage =
  | { kind: "sync-step-1"; stateVector: Uint8Array }
  /** Sync step 2 and update carry the same thing: Yjs updates the sender has. */
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "query-awareness" };

export class MalformedMessageError extends Error {
  override readonly name = "MalformedMessageError";
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
  return decoding.readVarUint8Array(decoder);
}

function parse(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  let message: ClientMessage;
  if (type === MESSAGE_SYNC) {
    const step = decoding.readVarUint(decoder);
    const payload = readBytes(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) {
      Y.decodeStateVector(payload);
      message = { kind: "sync-step-1", stateVector: payload };
    } else if (
      step === syncProtocol.messageYjsSyncStep2 ||
      step === syncProtocol.messageYjsUpdate
    ) {
      message = { kind: "update", update: payload };
    } else {
      throw new MalformedMessageError(`unknown sync step ${step}`);
    }
  } else if (type === MESSAGE_AWARENESS) {
    message = { kind: "awareness", update: readBytes(decoder) };
  } else if (type === MESSAGE_QUERY_AWARENESS) {
    message = { kind: "query-awareness" };
  } else {
    throw new MalformedMessageError(`unknown message type ${type}`);
  }
  if (decoding.hasContent(decoder)) throw new MalformedMessageError("trailing bytes after message");
  return message;
}

/** Decodes one client frame; throws {@link MalformedMessageError} for anything else. */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  try {
    return parse(frame);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError("truncated or undecodable message", { cause: error });
  }
}

/**
 * True when the update carries nothing (no structs, no deletions): what a client's sync step 2
 * looks like when the server already has everything. Throws {@link MalformedMessageError} when
 * Yjs cannot decode it.
 */
export function isEmptyUpdate(update: Uint8Array): boolean {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    throw new MalformedMessageError("undecodable Yjs update", { cause: error });
  }
  return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
  });
}

export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  });
}

export function updateMessage(update: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
  });
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, update);
  });
}

export function permissionDeniedMessage(reason: string): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, 2);
    authProtocol.writePermissionDenied(encoder, reason);
  });
}
