import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** Takes over one WebSocket upgrade; `path` is the request's path without the query. */
export type UpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  path: string,
) => void;

/**
 * The one place WebSocket upgrades are routed by path, so several endpoints share the port.
 * A route is an exact path (`/graphql`) or a prefix ending in `/` (`/collab/` takes
 * `/collab/<boardId>`). Unknown paths get a 404 and the socket is closed.
 */
export function createUpgradeRouter() {
  const exact = new Map<string, UpgradeHandler>();
  const prefixes: [string, UpgradeHandler][] = [];

  return {
    route(path: string, handler: UpgradeHandler): void {
      if (path.endsWith("/")) prefixes.push([path, handler]);
      else exact.set(path, handler);
    },
    // An arrow function: it is passed as the HTTP server's "upgrade" listener.
    handle: (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const path = new URL(request.url ?? "/", "http://host").pathname;
      const handler = exact.get(path) ?? prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
      if (!handler) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      handler(request, socket, head, path);
    },
  };
}

export type UpgradeRouter = ReturnType<typeof createUpgradeRouter>;
