// `graphql-ws/client` rather than `graphql-ws`: the package root also exports the server,
// which would pull `graphql` into the bundle.
import { createClient, type Client } from "graphql-ws/client";

import { GRAPHQL_PATH } from "../../lib/graphql";

/** The part of a graphql-ws client that hooks use; tests pass a fake with just this. */
export type LiveClient = Pick<Client, "subscribe">;

let sharedClient: Client | undefined;

/**
 * The app's one graphql-ws client; every subscription is multiplexed over its socket.
 * It is lazy, so the socket opens with the first subscription and closes after the last.
 */
export function getLiveClient(): Client {
  sharedClient ??= createClient({ url: toWebSocketUrl(window.location, GRAPHQL_PATH) });
  return sharedClient;
}

/** `https://host/x` → `wss://host/path`; same host, so the Vite proxy and prod ingress both work. */
export function toWebSocketUrl(
  location: Pick<Location, "protocol" | "host">,
  path: string,
): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}`;
}
