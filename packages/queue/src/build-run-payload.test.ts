import { describe, expect, it } from "vitest";

import { parseBuildRunPayload } from "./build-run-payload.ts";

const buildId = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";

describe("parseBuildRunPayload", () => {
  it("accepts a build id with an optional requester", () => {
    expect(parseBuildRunPayload({ buildId })).toEqual({ buildId });
    expect(parseBuildRunPayload({ buildId, requestedBy: "user-1" })).toEqual({
      buildId,
      requestedBy: "user-1",
    });
  });

  it("names the field that is wrong", () => {
    expect(() => parseBuildRunPayload({ buildId: "not-a-uuid" })).toThrow(
      /^invalid build\.run payload: buildId: /,
    );
  });

  it("lists every problem in one message", () => {
    let message = "";
    try {
      parseBuildRunPayload({ requestedBy: 42 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/buildId: /);
    expect(message).toMatch(/requestedBy: /);
  });

  it("rejects data that is not an object", () => {
    expect(() => parseBuildRunPayload("build-1")).toThrow(
      /invalid build\.run payload: \(payload\): /,
    );
    expect(() => parseBuildRunPayload(null)).toThrow(/invalid build\.run payload/);
  });
});
