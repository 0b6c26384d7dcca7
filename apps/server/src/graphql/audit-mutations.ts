// Every GraphQL mutation, allowed or refused, leaves an AuditEvent: the mutation's name as the
// action, the id its input names as the target, the project that id belongs to, and on failure
// the error's code. Input values are never recorded.
import { mapSchema, MapperKind } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLSchema } from "graphql";

import { isDomainError } from "@bbos/core";

import type { GraphQLContext } from "./context.ts";

/** Input fields that name a mutation's target, most specific first. */
const TARGET_FIELDS = [
  ["userId", "User"],
  ["tokenId", "ApiToken"],
  ["shareLinkId", "ShareLink"],
  ["fileId", "ProjectFile"],
  ["artifactId", "Artifact"],
  ["buildId", "Build"],
  ["versionId", "ConfigVersion"],
  ["boardId", "Board"],
  ["projectId", "Project"],
] as const;

type Target = { type: string; id: string };

function targetOf(input: Record<string, unknown>): Target | null {
  for (const [field, type] of TARGET_FIELDS) {
    const id = input[field];
    if (typeof id === "string") return { type, id };
  }
  return null;
}

/** A new object's id from a payload like `{ project: { id } }`, for mutations that create. */
function createdTarget(payload: unknown): Target | null {
  if (typeof payload !== "object" || payload === null) return null;
  for (const [key, value] of Object.entries(payload)) {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === "string") return { type: key.charAt(0).toUpperCase() + key.slice(1), id };
  }
  return null;
}

async function projectIdOf(
  context: GraphQLContext,
  input: Record<string, unknown>,
  target: Target | null,
): Promise<string | null> {
  if (typeof input["projectId"] === "string") return input["projectId"];
  if (target?.type === "Project") return target.id;
  if (target && isOwnedByProject(target.type)) {
    return context.services.audit.projectOf({ type: target.type, id: target.id });
  }
  return null;
}

const PROJECT_PARTS = [
  "Board",
  "ConfigVersion",
  "Build",
  "Artifact",
  "ShareLink",
  "ProjectFile",
] as const;

function isOwnedByProject(type: string): type is (typeof PROJECT_PARTS)[number] {
  return (PROJECT_PARTS as readonly string[]).includes(type);
}

function codeOf(error: unknown): string {
  if (isDomainError(error)) return error.code;
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === "string" ? code : "INTERNAL";
}

export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.MUTATION_ROOT_FIELD]: (config, field) => {
      const resolve = config.resolve ?? defaultFieldResolver;
      return {
        ...config,
        resolve: async (
          source,
          args: { input?: Record<string, unknown> },
          context: GraphQLContext,
          info,
        ) => {
          const input = args.input ?? {};
          const named = targetOf(input);
          // Found before the mutation runs, so a deletion is recorded under its project too.
          const namedProjectId = named ? await projectIdOf(context, input, named) : null;
          const record = async (outcome: "SUCCESS" | "FAILURE", target: Target | null, data = {}) =>
            context.services.audit.record({
              actor: context.viewer,
              origin: context.origin,
              projectId: named ? namedProjectId : await projectIdOf(context, input, target),
              action: field,
              target: target ?? { type: "None", id: "" },
              outcome,
              data,
            });
          try {
            const payload: unknown = await resolve(source, args, context, info);
            await record("SUCCESS", named ?? createdTarget(payload));
            return payload;
          } catch (error) {
            await record("FAILURE", named, { code: codeOf(error) });
            throw error;
          }
        },
      };
    },
  });
}
