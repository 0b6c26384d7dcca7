// How the real server delivers the web app (a stand-in build in a temporary folder): compressed
// (brotli, else gzip), hashed assets cached for good and the rest revalidated, index.html for
// client routes, and API paths left to the API, uncompressed. Raw bytes over node:http, since
// fetch would decompress on its own.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestServer, type TestServer } from "./start-test-server.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

// Well above compression's 1 KB threshold, and compressible.
const script = Array.from(
  { length: 200 },
  (_, i) => `export function panel${i}() { return "panel ${i}"; }\n`,
).join("");
const indexHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>BBOS</title>
    <script type="module" crossorigin src="/assets/app-abc123.js"></script>
    <!-- ${"padding ".repeat(200)} -->
  </head>
  <body><div id="root"></div></body>
</html>
`;
const favicon = `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(100)}</svg>`;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as sent, before any decoding. */
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

describe("web app delivery", () => {
  let dist: string;
  let server: TestServer;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "bbos-web-delivery-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), indexHtml);
    writeFileSync(join(dist, "assets/app-abc123.js"), script);
    writeFileSync(join(dist, "favicon.svg"), favicon);
    server = await startTestServer({ webDist: dist });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("sends brotli when the client accepts br, else gzip, else the file as it is", async () => {
    const url = `${server.url}/assets/app-abc123.js`;

    const br = await get(url, { "accept-encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(script.length / 4);
    expect(brotliDecompressSync(br.body).toString()).toBe(script);

    const gzip = await get(url, { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(script);

    const identity = await get(url);
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body.toString()).toBe(script);

    const page = await get(`${server.url}/boards/xyz`, { "accept-encoding": "br" });
    expect(page.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(page.body).toString()).toBe(indexHtml);
  });

  it("caches hashed assets for a year and makes index.html and unhashed files revalidate", async () => {
    const asset = await get(`${server.url}/assets/app-abc123.js`);
    expect(asset.headers["cache-control"]).toBe(IMMUTABLE);

    for (const path of ["/", "/index.html", "/boards/xyz", "/favicon.svg"]) {
      const response = await get(`${server.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect({ path, cacheControl: response.headers["cache-control"] }).toEqual({
        path,
        cacheControl: "no-cache",
      });
    }

    // Revalidating an unchanged index.html costs a 304, no body.
    const first = await get(`${server.url}/boards/xyz`);
    const etag = first.headers.etag;
    expect(etag).toBeDefined();
    const again = await get(`${server.url}/boards/xyz`, { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("answers client routes with index.html and a missing asset with 404", async () => {
    for (const path of [
      "/",
      "/boards/xyz",
      "/projects/p1/boards/b2?board=b2",
      "/builds-overview",
    ]) {
      const response = await get(`${server.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers["content-type"]).toMatch(/^text\/html/);
      expect(response.body.toString()).toBe(indexHtml);
    }

    const gone = await get(`${server.url}/assets/app-old999.js`);
    expect(gone.status).toBe(404);
    expect(gone.body.toString()).not.toContain('<div id="root">');
  });

  it("leaves API paths to the API: never the app, never compressed", async () => {
    const graphql = await get(`${server.url}/graphql?query=%7B__typename%7D`, {
      "accept-encoding": "br, gzip",
      "apollo-require-preflight": "true",
    });
    expect(graphql.headers["content-type"]).toMatch(/^application\/json/);
    expect(graphql.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(graphql.body.toString())).toEqual({ data: { __typename: "Query" } });

    for (const path of [
      "/graphql/nothing",
      "/healthz/nothing",
      "/collab",
      "/auth/nothing",
      "/artifacts/nothing/file.img",
      "/builds/nothing/log.txt",
      "/files/nothing/versions/1",
      "/files/nothing",
      "/share/nothing",
      "/.well-known/nothing",
    ]) {
      const response = await get(`${server.url}${path}`, { "accept-encoding": "br, gzip" });
      const body = response.body.toString();
      expect({ path, app: body.includes('<div id="root">') }).toEqual({ path, app: false });
      expect({ path, encoding: response.headers["content-encoding"] }).toEqual({
        path,
        encoding: undefined,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
  });
});
