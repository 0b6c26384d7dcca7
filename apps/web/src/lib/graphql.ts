import type { TypedDocumentString } from "../../generated/graphql/graphql";

/** The GraphQL endpoint; same origin in dev (Vite proxy) and in production (reverse proxy). */
export const GRAPHQL_PATH = "/graphql";

/** One entry of a GraphQL response's `errors` list, as the server formats it. */
export interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Thrown when the server answers with GraphQL `errors`; the message is the servers' messages. */
export class GraphQLRequestError extends Error {
  override readonly name = "GraphQLRequestError";
  constructor(
    readonly errors: readonly GraphQLErrorJson[],
    options?: { cause?: unknown },
  ) {
    super(errors.map((error) => error.message).join("; "), options);
  }

  /** The `extensions.code` of the first error (e.g. `NOT_FOUND`), if the server set one. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.["code"];
    return typeof code === "string" ? code : undefined;
  }
}

export interface GraphQLRequestOptions {
  /** Aborts the request; TanStack Query passes one to every `queryFn`. */
  signal?: AbortSignal;
}

/**
 * POSTs one operation to {@link GRAPHQL_PATH} and returns its `data`. `document` is an operation
 * written with the generated `graphql(...)` function, so data and variables are typed from the
 * server's schema.
 *
 * Throws {@link GraphQLRequestError} when the response carries `errors` (even alongside partial
 * data: the features here have no use for half an answer), and a plain `Error` with `cause` when
 * the API cannot be reached or does not answer with GraphQL JSON.
 */
export async function graphqlRequest<TData, TVariables>(
  document: TypedDocumentString<TData, TVariables>,
  variables?: TVariables,
  options: GraphQLRequestOptions = {},
): Promise<TData> {
  const query = document.toString();
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
      },
      body: JSON.stringify({ query, variables }),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    throw new Error("Could not reach the API", { cause });
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new Error(`The API answered HTTP ${response.status} without GraphQL JSON`, { cause });
  }

  // Apollo answers validation errors with HTTP 400 *and* a GraphQL body, so read `errors`
  // before looking at the status code.
  if (!isObject(body)) {
    throw new Error(`The API answered HTTP ${response.status} without GraphQL JSON`);
  }
  if (Array.isArray(body["errors"]) && body["errors"].length > 0) {
    throw new GraphQLRequestError(body["errors"].map(toErrorJson));
  }
  if (!response.ok || body["data"] == null) {
    throw new Error(`The API answered HTTP ${response.status} without data`);
  }
  return body["data"] as TData;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toErrorJson(value: unknown): GraphQLErrorJson {
  if (isObject(value) && typeof value["message"] === "string") {
    return value as unknown as GraphQLErrorJson;
  }
  return { message: "Unknown GraphQL error" };
}
