import { expect } from "vitest";

import { DomainError } from "../src/errors.ts";

/** Runs `run` and returns the DomainError it throws; fails the test if it throws nothing else. */
export function captureDomainError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  return expect.fail("expected a DomainError");
}
