import type { JsonObject } from "@bbos/core";
// The errors entry alone: the browser bundle need not carry the validator.
import { DomainError } from "@bbos/core/errors";

import { findNonJsonPart, isJsonObject } from "./json-value.ts";

/**
 * Checks that a whole config passed in (not a patch) is a plain JSON object; callers typed as
 * `JsonObject` may still hand over `undefined`, a `Date` or a class instance at run time.
 *
 * @throws DomainError `BAD_INPUT` with `details: { path, reason: "NOT_JSON" }`.
 */
export function assertJsonObject(config: unknown): asserts config is JsonObject {
  const nonJson = findNonJsonPart(config);
  if (nonJson) {
    throw new DomainError(
      "BAD_INPUT",
      `The config at "${nonJson.path}" is ${nonJson.found}, which JSON cannot hold`,
      {
        details: { path: nonJson.path, reason: "NOT_JSON" },
      },
    );
  }
  if (!isJsonObject(config as JsonObject)) {
    throw new DomainError("BAD_INPUT", "A board config must be a JSON object", {
      details: { path: "", reason: "ROOT_NOT_OBJECT" },
    });
  }
}
