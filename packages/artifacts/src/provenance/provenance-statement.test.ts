import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";

import { canonicalJson } from "@bbos/core/build";

import { ArtifactError } from "../errors.ts";
import {
  BBOS_BUILD_TYPE,
  provenanceStatement,
  serializeStatement,
  type ProvenanceInput,
} from "./provenance-statement.ts";

const hex = (text: string): string => createHash("sha256").update(text).digest("hex");

function makeInput(overrides: Partial<ProvenanceInput> = {}): ProvenanceInput {
  return {
    buildId: "build_42",
    subjects: [
      { name: "rpi4-image.img.zst", sha256: hex("image") },
      { name: "SHA256SUMS", sha256: hex("sums") },
    ],
    config: { versionId: "cfgv_7", contentSha256: hex("config") },
    recipe: { id: "debian-bookworm", version: "1.3.0" },
    board: "raspberry-pi-4",
    builderId: "https://bbos.example/builders/docker-worker",
    builderImage: { definitionSha256: hex("dockerfile"), uri: "bbos-builder:1.3" },
    workerId: "worker-a",
    inputFiles: [{ name: "overlay.tar", sha256: hex("overlay"), uri: "bbos:project-file/f1/v2" }],
    startedOn: new Date("2025-01-02T03:04:05Z"),
    finishedOn: "2025-01-02T03:24:05.500Z",
    stages: [
      { name: "rootfs", startedOn: "2025-01-02T03:04:05Z", finishedOn: "2025-01-02T03:14:05Z" },
      { name: "image", startedOn: "2025-01-02T03:14:05Z", finishedOn: "2025-01-02T03:24:05.500Z" },
    ],
    ...overrides,
  };
}

describe("provenanceStatement", () => {
  it("describes the build as an in-toto v1 Statement with a SLSA v1 provenance predicate", () => {
    const expectedStages = [
      {
        name: "rootfs",
        startedOn: "2025-01-02T03:04:05.000Z",
        finishedOn: "2025-01-02T03:14:05.000Z",
        durationMs: 600_000,
      },
      {
        name: "image",
        startedOn: "2025-01-02T03:14:05.000Z",
        finishedOn: "2025-01-02T03:24:05.500Z",
        durationMs: 600_500,
      },
    ];
    const statement = provenanceStatement(makeInput());
    expect(statement).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [
        { name: "rpi4-image.img.zst", digest: { sha256: hex("image") } },
        { name: "SHA256SUMS", digest: { sha256: hex("sums") } },
      ],
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {
        buildDefinition: {
          buildType: BBOS_BUILD_TYPE,
          externalParameters: {
            config: { versionId: "cfgv_7", contentSha256: hex("config") },
            recipe: { id: "debian-bookworm", version: "1.3.0" },
            board: "raspberry-pi-4",
          },
          internalParameters: {
            builderImageDefinitionSha256: hex("dockerfile"),
            workerId: "worker-a",
          },
          resolvedDependencies: [
            {
              name: "builder-image",
              uri: "bbos-builder:1.3",
              digest: { sha256: hex("dockerfile") },
            },
            {
              name: "overlay.tar",
              uri: "bbos:project-file/f1/v2",
              digest: { sha256: hex("overlay") },
            },
          ],
        },
        runDetails: {
          builder: { id: "https://bbos.example/builders/docker-worker" },
          metadata: {
            invocationId: "build_42",
            startedOn: "2025-01-02T03:04:05.000Z",
            finishedOn: "2025-01-02T03:24:05.500Z",
          },
          byproducts: [
            {
              name: "bbos-stage-timings",
              mediaType: "application/json",
              digest: { sha256: hex(canonicalJson(expectedStages)) },
              annotations: { stages: expectedStages },
            },
          ],
        },
      },
    });
  });

  it("digests the stage timings as the canonical JSON of the stages list", () => {
    const [timings] = provenanceStatement(makeInput()).predicate.runDetails.byproducts;
    const stages = timings?.annotations?.stages;
    expect(timings?.digest?.sha256).toBe(hex(canonicalJson(stages)));
  });

  it("has no byproducts and only the builder image as dependency when there is nothing else", () => {
    const statement = provenanceStatement(makeInput({ stages: undefined, inputFiles: undefined }));
    expect(statement.predicate.runDetails.byproducts).toEqual([]);
    expect(statement.predicate.buildDefinition.resolvedDependencies).toHaveLength(1);
  });

  it.each([
    ["no subjects", { subjects: [] }, "subjects: at least one artifact"],
    [
      "a duplicate subject",
      {
        subjects: [
          { name: "a", sha256: hex("a") },
          { name: "a", sha256: hex("b") },
        ],
      },
      "subjects[1].name: a is listed twice",
    ],
    ["a bad subject digest", { subjects: [{ name: "a", sha256: "xyz" }] }, "subjects[0].sha256"],
    [
      "an upper-case config hash",
      { config: { versionId: "v", contentSha256: hex("c").toUpperCase() } },
      "config.contentSha256",
    ],
    ["an empty board", { board: " " }, "board: must be a non-empty string"],
    ["a builder id that is no URI", { builderId: "docker-worker" }, "builderId"],
    ["an unparseable time", { startedOn: "yesterday" }, "startedOn"],
    ["a finish before the start", { finishedOn: "2025-01-01T00:00:00Z" }, "finishedOn: the finish"],
    [
      "a stage finishing before it starts",
      {
        stages: [
          { name: "x", startedOn: "2025-01-02T00:00:01Z", finishedOn: "2025-01-02T00:00:00Z" },
        ],
      },
      "stages[0].finishedOn",
    ],
  ])("refuses %s", (_, overrides: Partial<ProvenanceInput>, message) => {
    const attempt = (): unknown => provenanceStatement(makeInput(overrides));
    expect(attempt).toThrow(ArtifactError);
    expect(attempt).toThrow(message);
  });
});

describe("serializeStatement", () => {
  it("gives the same bytes for the same input, whatever the key order it was built with", () => {
    const input = makeInput();
    const reordered: ProvenanceInput = {
      stages: input.stages,
      finishedOn: input.finishedOn,
      startedOn: "2025-01-02T04:04:05+01:00", // the same instant, another spelling
      inputFiles: input.inputFiles,
      workerId: input.workerId,
      builderImage: { uri: "bbos-builder:1.3", definitionSha256: hex("dockerfile") },
      builderId: input.builderId,
      board: input.board,
      recipe: { version: "1.3.0", id: "debian-bookworm" },
      config: { contentSha256: hex("config"), versionId: "cfgv_7" },
      subjects: input.subjects,
      buildId: input.buildId,
    };
    const bytes = serializeStatement(provenanceStatement(input));
    expect(serializeStatement(provenanceStatement(reordered))).toBe(bytes);
    expect(serializeStatement(provenanceStatement(makeInput()))).toBe(bytes);
  });

  it("sorts keys at every level and uses no whitespace", () => {
    const bytes = serializeStatement(provenanceStatement(makeInput({ stages: undefined })));
    expect(
      bytes.startsWith(
        '{"_type":"https://in-toto.io/Statement/v1","predicate":{"buildDefinition":{"buildType"',
      ),
    ).toBe(true);
    expect(bytes).not.toMatch(/\n|": /);
    expect(JSON.parse(bytes)).toEqual(provenanceStatement(makeInput({ stages: undefined })));
  });

  it("leaves out optional members that are not set", () => {
    const statement = provenanceStatement(
      makeInput({ builderImage: { definitionSha256: hex("d") }, inputFiles: undefined }),
    );
    expect(serializeStatement(statement)).toContain(
      `"resolvedDependencies":[{"digest":{"sha256":"${hex("d")}"},"name":"builder-image"}]`,
    );
  });
});
