import { createHash } from "node:crypto";

import { canonicalJson } from "@bbos/core/build";

import { ArtifactError } from "../errors.ts";

/** `buildDefinition.buildType` of BBOS builds: what the parameters below mean. */
export const BBOS_BUILD_TYPE = "https://bbos.dev/build/v1";

/** A point in time: a `Date`, or a string `Date` can parse (ISO 8601 / RFC 3339). */
export type Timestamp = Date | string;

/** A file with its SHA-256. */
export interface DigestedFile {
  /** Name of the file (a subject's name is the download's file name). */
  name: string;
  /** Lowercase hex SHA-256. */
  sha256: string;
  /** Where it came from, if it has an address (a URL or a `bbos:` project-file URI). */
  uri?: string;
}

/** One stage of a build, for the timings byproduct. */
export interface StageTiming {
  /** Stage name as the build reports it (`prepare`, `rootfs`, `image`, …). */
  name: string;
  startedOn: Timestamp;
  finishedOn: Timestamp;
}

/** What {@link provenanceStatement} records about one build. */
export interface ProvenanceInput {
  /** The build's id: `runDetails.metadata.invocationId`. */
  buildId: string;
  /** The artifacts the statement is about (at least one). */
  subjects: readonly DigestedFile[];
  /** The board configuration version built, with the SHA-256 of its canonical JSON. */
  config: { versionId: string; contentSha256: string };
  /** The recipe that turned the config into an image. */
  recipe: { id: string; version: string };
  /** Board type (catalogue id). */
  board: string;
  /** `runDetails.builder.id`: a URI naming the builder (service and worker pool). */
  builderId: string;
  /**
   * The builder container image. Its digest is the SHA-256 of its definition (Dockerfile and
   * context), which BBOS builds it from; Docker image ids differ between hosts.
   */
  builderImage: { definitionSha256: string; uri?: string };
  /** Which worker ran the build. */
  workerId: string;
  /** Project files and downloads the build read, with their digests. */
  inputFiles?: readonly DigestedFile[];
  startedOn: Timestamp;
  finishedOn: Timestamp;
  /** Per-stage timings, recorded as a byproduct (see {@link provenanceStatement}). */
  stages?: readonly StageTiming[];
}

/** in-toto ResourceDescriptor (the subset used here). */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  mediaType?: string;
  annotations?: Record<string, unknown>;
}

/** An in-toto Statement v1 with a SLSA Provenance v1 predicate. */
export interface ProvenanceStatement {
  _type: "https://in-toto.io/Statement/v1";
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: "https://slsa.dev/provenance/v1";
  predicate: {
    buildDefinition: {
      buildType: typeof BBOS_BUILD_TYPE;
      externalParameters: {
        config: { versionId: string; contentSha256: string };
        recipe: { id: string; version: string };
        board: string;
      };
      internalParameters: { builderImageDefinitionSha256: string; workerId: string };
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string };
      metadata: { invocationId: string; startedOn: string; finishedOn: string };
      byproducts: ResourceDescriptor[];
    };
  };
}

/** Name of the byproduct that carries the stage timings. */
const STAGE_TIMINGS_BYPRODUCT = "bbos-stage-timings";

/**
 * The SLSA v1 provenance of a build as an in-toto v1 Statement (https://slsa.dev/spec/v1.0/provenance):
 *
 * - `externalParameters`: what the user chose (config version and hash, recipe, board);
 * - `internalParameters`: what BBOS chose (builder image definition, worker);
 * - `resolvedDependencies`: the builder image (`name: "builder-image"`) then the input files;
 * - `runDetails.byproducts`: when `stages` is given, one descriptor named
 *   `bbos-stage-timings` whose `annotations.stages` lists `{ name, startedOn, finishedOn,
 *   durationMs }` and whose `digest.sha256` is the SHA-256 of the canonical JSON of that list.
 *
 * Timestamps are normalised to UTC RFC 3339 with milliseconds. Serialise with
 * {@link serializeStatement}, so the same input always gives the same bytes.
 *
 * @throws ArtifactError `INVALID_INPUT` naming the field: an empty string, a digest that is not
 *   64 lowercase hex digits, a builder id that is not a URI, no subjects, duplicate subject
 *   names, an unparseable time, or a finish before its start.
 */
export function provenanceStatement(input: ProvenanceInput): ProvenanceStatement {
  const startedOn = timestamp(input.startedOn, "startedOn");
  const finishedOn = timestamp(input.finishedOn, "finishedOn");
  assertOrdered(startedOn, finishedOn, "finishedOn");
  if (input.subjects.length === 0) throw invalid("subjects: at least one artifact is needed");
  const names = new Set<string>();
  const subject = input.subjects.map((file, index) => {
    text(file.name, `subjects[${index}].name`);
    if (names.has(file.name))
      throw invalid(`subjects[${index}].name: ${file.name} is listed twice`);
    names.add(file.name);
    return {
      name: file.name,
      digest: { sha256: sha256(file.sha256, `subjects[${index}].sha256`) },
    };
  });
  const builderImage: ResourceDescriptor = {
    name: "builder-image",
    uri: input.builderImage.uri,
    digest: {
      sha256: sha256(input.builderImage.definitionSha256, "builderImage.definitionSha256"),
    },
  };
  const inputFiles = (input.inputFiles ?? []).map((file, index): ResourceDescriptor => ({
    name: text(file.name, `inputFiles[${index}].name`),
    uri: file.uri,
    digest: { sha256: sha256(file.sha256, `inputFiles[${index}].sha256`) },
  }));

  return {
    _type: "https://in-toto.io/Statement/v1",
    subject,
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {
      buildDefinition: {
        buildType: BBOS_BUILD_TYPE,
        externalParameters: {
          config: {
            versionId: text(input.config.versionId, "config.versionId"),
            contentSha256: sha256(input.config.contentSha256, "config.contentSha256"),
          },
          recipe: {
            id: text(input.recipe.id, "recipe.id"),
            version: text(input.recipe.version, "recipe.version"),
          },
          board: text(input.board, "board"),
        },
        internalParameters: {
          builderImageDefinitionSha256: input.builderImage.definitionSha256,
          workerId: text(input.workerId, "workerId"),
        },
        resolvedDependencies: [builderImage, ...inputFiles],
      },
      runDetails: {
        builder: { id: uri(input.builderId, "builderId") },
        metadata: {
          invocationId: text(input.buildId, "buildId"),
          startedOn: startedOn.iso,
          finishedOn: finishedOn.iso,
        },
        byproducts: input.stages === undefined ? [] : [stageTimings(input.stages)],
      },
    },
  };
}

/**
 * The statement as canonical JSON (keys sorted at every level, no whitespace, no
 * `undefined` members): the bytes to store, hash or wrap in a DSSE envelope.
 */
export function serializeStatement(statement: ProvenanceStatement): string {
  return canonicalJson(statement);
}

function stageTimings(stages: readonly StageTiming[]): ResourceDescriptor {
  const list = stages.map((stage, index) => {
    const where = `stages[${index}]`;
    const started = timestamp(stage.startedOn, `${where}.startedOn`);
    const finished = timestamp(stage.finishedOn, `${where}.finishedOn`);
    assertOrdered(started, finished, `${where}.finishedOn`);
    return {
      name: text(stage.name, `${where}.name`),
      startedOn: started.iso,
      finishedOn: finished.iso,
      durationMs: finished.ms - started.ms,
    };
  });
  return {
    name: STAGE_TIMINGS_BYPRODUCT,
    mediaType: "application/json",
    digest: { sha256: createHash("sha256").update(canonicalJson(list)).digest("hex") },
    annotations: { stages: list },
  };
}

function timestamp(value: Timestamp, field: string): { iso: string; ms: number } {
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  if (Number.isNaN(ms) || (typeof value === "string" && value.trim() === "")) {
    throw invalid(`${field}: ${JSON.stringify(String(value))} is not a valid time`);
  }
  return { iso: new Date(ms).toISOString(), ms };
}

function assertOrdered(start: { ms: number }, end: { ms: number }, field: string): void {
  if (end.ms < start.ms) throw invalid(`${field}: the finish is before the start`);
}

function text(value: string, field: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw invalid(`${field}: must be a non-empty string`);
  return value;
}

function sha256(value: string, field: string): string {
  if (typeof value !== "string" || !/^[0-9a-f]{64}$/.test(value)) {
    throw invalid(`${field}: must be a SHA-256 digest in 64 lowercase hex digits`);
  }
  return value;
}

function uri(value: string, field: string): string {
  text(value, field);
  try {
    new URL(value);
  } catch (error) {
    throw invalid(`${field}: ${JSON.stringify(value)} is not an absolute URI`, error);
  }
  return value;
}

function invalid(message: string, cause?: unknown): ArtifactError {
  return new ArtifactError("INVALID_INPUT", `provenance input ${message}`, { cause });
}
