import { describe, expect, it } from "vitest";

import { can, type ProjectAction, type ProjectRole } from "./permissions.ts";

const roles: (ProjectRole | null)[] = ["OWNER", "MAINTAINER", "EDITOR", "VIEWER", null];

function whoMay(action: ProjectAction) {
  return roles.filter((role) => can(role, action));
}

describe("project permissions", () => {
  it("lets every member read and nobody else", () => {
    expect(whoMay("project.read")).toEqual(["OWNER", "MAINTAINER", "EDITOR", "VIEWER"]);
  });

  it("keeps viewers from editing boards and saving versions", () => {
    expect(whoMay("board.edit")).toEqual(["OWNER", "MAINTAINER", "EDITOR"]);
    expect(whoMay("version.save")).toEqual(["OWNER", "MAINTAINER", "EDITOR"]);
  });

  it("lets editors and above start, cancel and retry builds, and viewers only watch them", () => {
    expect(whoMay("build.run")).toEqual(["OWNER", "MAINTAINER", "EDITOR"]);
  });

  it("leaves archiving to owners and maintainers", () => {
    expect(whoMay("board.archive")).toEqual(["OWNER", "MAINTAINER"]);
  });

  it("lets owners and maintainers rename the project and manage members, owners alone archive it", () => {
    expect(whoMay("project.rename")).toEqual(["OWNER", "MAINTAINER"]);
    expect(whoMay("member.manage")).toEqual(["OWNER", "MAINTAINER"]);
    expect(whoMay("project.archive")).toEqual(["OWNER"]);
    expect(whoMay("audit.read")).toEqual(["OWNER", "MAINTAINER"]);
    expect(whoMay("artifact.share")).toEqual(["OWNER", "MAINTAINER", "EDITOR"]);
  });
});
