import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";

import type { Logger } from "../logger.ts";

/**
 * Largest response sent, in bytes of JSON. The cost limit bounds how many objects an operation
 * returns, not how long the strings in them are (a project's description, a board's name); the
 * web app's largest answer, 100 projects of 100 boards, is about 1 MB.
 */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * The error that replaces `result` when its JSON is over {@link MAX_RESPONSE_BYTES}, or null.
 * Serialising once more to measure costs about 10 ms per megabyte (nothing to speak of for the
 * usual few kilobytes); sending a 36 MB answer took 200 MB of memory and more.
 */
export function oversizedResponse(result: unknown, log: Logger): GraphQLFormattedError | null {
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes <= MAX_RESPONSE_BYTES) return null;
  log.info({ bytes, limit: MAX_RESPONSE_BYTES }, "GraphQL response over the size limit refused");
  return {
    message:
      `The response would be ${bytes} bytes, over the limit of ${MAX_RESPONSE_BYTES}: ` +
      "ask for smaller pages (first) or fewer fields.",
    extensions: { code: "RESPONSE_TOO_LARGE", details: { bytes, maxBytes: MAX_RESPONSE_BYTES } },
  };
}

/** Applies {@link oversizedResponse} to Apollo's answers, as a 400. */
export function responseSizeLimitPlugin(log: Logger): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ response }) => {
          // Apollo answers in one piece ("single") unless @defer or @stream run, which graphql 16
          // does not support.
          if (response.body.kind !== "single") return Promise.resolve();
          const refusal = oversizedResponse(response.body.singleResult, log);
          if (refusal) {
            response.body.singleResult = { errors: [refusal] };
            response.http.status = 400;
          }
          return Promise.resolve();
        },
      }),
  };
}
