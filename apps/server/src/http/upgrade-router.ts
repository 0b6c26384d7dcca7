import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** Takes over one WebSocket upgrade; `path` is the request's path without the query. */
export type UpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  path: string,
) => void;

/** Decides whether a WebSocket upgrade may proceed; a refusal says when to try again. */
export type UpgradeAdmission = (
  request: IncomingMessage,
) => Promise<{ retryAfterSeconds: number } | null>;

/**
 * The one place WebSocket upgrades are routed by path, so several endpoints share the port.
 * A route is an exact path (`/graphql`) or a prefix ending in `/` (`/collab/` takes
 * `/collab/<boardId>`). Unknown paths get a 404; upgrades `admit` refuses get a 429 with
 * Retry-After; either way the socket is closed.
 */
export function createUpgradeRouter(admit: UpgradeAdmission = () => Promise.resolve(null)) {
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
      admit(request).then(
        (refusal) => {
          if (!refusal) {
            handler(request, socket, head, path);
            return;
          }
          socket.end(
            `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${refusal.retryAfterSeconds}\r\n` +
              "Connection: close\r\n\r\n",
          );
        },
        () => socket.destroy(),
      );
    },
  };
}

export type UpgradeRouter = ReturnType<typeof createUpgradeRouter>;
