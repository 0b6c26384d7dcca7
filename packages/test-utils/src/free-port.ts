import { createServer } from "node:net";

/**
 * A loopback port that was free a moment ago, for a process that must listen on a known port
 * (a private PostgreSQL, a server restarted where its clients redial). Port 0 is better wherever
 * the listener can report its port.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}
