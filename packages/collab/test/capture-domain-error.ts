import { DomainError } from "@bbos/core";
import { expect } from "vitest";

/** Runs `run` and returns the DomainError it throws; fails the test if it throws nothing or something else. */
export function captureDomainError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  return expect.fail("expected a DomainError");
}
