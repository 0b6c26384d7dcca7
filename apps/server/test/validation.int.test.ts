import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { overlaysFor, releasesFor } from "@bbos/core";
import { boardCatalogue } from "@bbos/schemas";

import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";

const VALIDATE = /* GraphQL */ `
  query ($schemaId: BoardConfigSchemaId!, $config: JSON!) {
    validateConfig(schemaId: $schemaId, config: $config) {
      valid
      schemaId
      issues {
        path
        code
        message
        severity
      }
    }
  }
`;

interface ValidationPayload {
  validateConfig: {
    valid: boolean;
    issues: { path: string; code: string; message: string; severity: string }[];
  };
}

const validConfig = {
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname: "ci-board" },
  build: { recipe: "debian" },
};

describe("config validation over GraphQL", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("serves the schema registry and the board catalogue", async () => {
    const { body } = await graphql<{
      boardConfigSchemas: { id: string; latest: boolean; jsonSchema: { $id: string } }[];
      boardConfigSchema: { id: string; version: number } | null;
      catalogueBoards: { id: string; architecture: string; recipes: string[] }[];
      arm64: { architecture: string }[];
    }>(
      server.url,
      `
        {
          boardConfigSchemas {
            id
            latest
            jsonSchema
          }
          boardConfigSchema(id: "board-config/1") {
            id
            version
          }
          catalogueBoards {
            id
            architecture
            recipes
          }
          arm64: catalogueBoards(architecture: ARM64) {
            architecture
          }
        }
      `,
    );
    expect(body.errors).toBeUndefined();
    const data = body.data;
    expect(data?.boardConfigSchemas.map((s) => s.id)).toEqual([
      "board-config/1",
      "board-config/2",
      "board-config/3",
    ]);
    expect(data?.boardConfigSchemas.filter((s) => s.latest)).toHaveLength(1);
    expect(data?.boardConfigSchemas[0]?.jsonSchema.$id).toBe(
      "https://bbos.dev/schemas/board-config/1",
    );
    expect(data?.boardConfigSchema).toEqual({ id: "board-config/1", version: 1 });
    expect(data?.catalogueBoards.length).toBeGreaterThanOrEqual(22);
    expect(data?.catalogueBoards).toContainEqual({
      id: "qemu-arm64",
      architecture: "ARM64",
      recipes: ["DEBIAN"],
    });
    expect(data?.arm64.length).toBeGreaterThan(0);
    expect(data?.arm64.every((b) => b.architecture === "ARM64")).toBe(true);
  });

  it.each([
    // A virtual machine of the debian recipe; a Rockchip board only Armbian builds, with a vendor
    // kernel whose overlays are unknown; a board whose Debian boot loader ships in one release.
    "qemu-arm64",
    "rock-5b",
    "rock-4se",
  ])(
    "serves the releases and overlays validation accepts for %s, as the core derives them",
    async (id) => {
      const { body } = await graphql<{
        catalogueBoards: {
          id: string;
          releases: { recipe: string; name: string; expert: boolean }[];
          overlays: { branch: string; names: string[] | null }[];
          overlayPrefix: string | null;
        }[];
      }>(
        server.url,
        `
          {
            catalogueBoards {
              id
              releases {
                recipe
                name
                expert
              }
              overlays {
                branch
                names
              }
              overlayPrefix
            }
          }
        `,
      );
      expect(body.errors).toBeUndefined();
      const served = body.data?.catalogueBoards.find((board) => board.id === id);
      const board = boardCatalogue.boards.find((entry) => entry.id === id);
      if (board === undefined) throw new Error(`the catalogue has no board ${id}`);
      expect(served).toEqual({
        id,
        releases: board.recipes.flatMap((recipe) =>
          releasesFor(boardCatalogue, board, recipe).map((release) => ({
            recipe: recipe.toUpperCase(),
            ...release,
          })),
        ),
        overlays: board.branches.map((branch) => ({
          branch,
          names: overlaysFor(boardCatalogue, board, branch),
        })),
        overlayPrefix: board.overlayPrefix,
      });
      expect(served?.releases.length).toBeGreaterThan(0);
    },
  );

  it("refuses an unregistered schema id before any resolver runs, naming the known ones", async () => {
    const literal = await graphql(server.url, '{ boardConfigSchema(id: "nope") { id } }');
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]?.message).toContain(
      'Unknown board-config schema "nope"; known schemas: board-config/1, board-config/2, board-config/3',
    );

    const long = "x".repeat(100_000);
    const variable = await graphql(server.url, VALIDATE, { schemaId: long, config: validConfig });
    expect(variable.status).toBe(400);
    expect(variable.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(variable.body.errors?.[0]?.message).toContain("board-config/1");
    // The rejected value is echoed only in part.
    expect(JSON.stringify(variable.body).length).toBeLessThan(1_000);
  });

  it("accepts a valid config, in any key order", async () => {
    const first = await graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: validConfig,
    });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.validateConfig.valid).toBe(true);

    const reordered = {
      build: validConfig.build,
      system: validConfig.system,
      os: validConfig.os,
      board: validConfig.board,
    };
    const second = await graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: reordered,
    });
    expect(second.body.data?.validateConfig).toEqual(first.body.data?.validateConfig);
  });

  it("reports precise issues for an invalid config", async () => {
    const config = { ...validConfig, system: { hostname: "Not_A_Host" } };
    const { body } = await graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config,
    });
    const result = body.data?.validateConfig;
    expect(result?.valid).toBe(false);
    expect(result?.issues).toContainEqual(
      expect.objectContaining({
        path: "/system/hostname",
        code: "SCHEMA_PATTERN",
        severity: "ERROR",
      }),
    );
  });

  it("takes a string as the config's JSON text and rejects text that is not JSON", async () => {
    const ok = await graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: JSON.stringify(validConfig),
    });
    expect(ok.body.data?.validateConfig.valid).toBe(true);

    const bad = await graphql(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: "{ board: rock-5b",
    });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.body.errors?.[0]?.message).toMatch(/JSON/);
  });

  it("rejects prototype keys without polluting the server", async () => {
    const text = `{"board":"qemu-arm64","__proto__":{"polluted":true}}`;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query":${JSON.stringify(VALIDATE)},"variables":{"schemaId":"board-config/1","config":${text}}}`,
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const constructorKey = await graphql(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: { board: "x", system: { constructor: { prototype: {} } } },
    });
    expect(constructorKey.body.errors?.[0]?.message).toContain("constructor");
  });

  it("rejects deeply nested input with a clear error", async () => {
    // Written as text: a 10,000-deep value is beyond what JSON.stringify can produce.
    const deep = `${'{"d":'.repeat(10_000)}"leaf"${"}".repeat(10_000)}`;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query":${JSON.stringify(VALIDATE)},"variables":{"schemaId":"board-config/1","config":{"board":${deep}}}}`,
    });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as {
      errors?: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/nest|deep/i);
  });

  it("refuses a 10 MB payload with 413 and a readable reason", async () => {
    const huge = { ...validConfig, kernel: { cmdline: "x".repeat(10 * 1024 * 1024) } };
    const { status, body } = await graphql(server.url, VALIDATE, {
      schemaId: "board-config/1",
      config: huge,
    });
    expect(status).toBe(413);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: "PAYLOAD_TOO_LARGE" } });
    expect(body.errors?.[0]?.message).toMatch(/larger than the limit/);
  });

  it("answers a body that is not JSON with 400 in GraphQL's error shape", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors[0]?.message).toMatch(/^request body is not valid JSON/);
    expect(body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
  });
});
