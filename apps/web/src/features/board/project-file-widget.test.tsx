// `files[].fileId` in the config form: a choice of the project's uploaded files by path, which
// keeps an id the project does not have.
import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderBoardForm } from "../../../test/render-board-form";
import { EMPTY_CATALOGUE } from "../../../test/render-with-query";
import { parseRequestBody, stubGraphQL } from "../../../test/stub-graphql";

/** The ProjectFiles query's data for project p1. */
function projectFiles(files: { id: string; path: string }[]) {
  const edges = files.map((file) => ({
    node: { ...file, latestVersion: { id: `${file.id}-v1`, number: 1, size: 12 } },
  }));
  return { project: { id: "p1", files: { edges } } };
}

const MOTD = { id: "f_motd", path: "overlays/etc/motd" };
const SETUP = { id: "f_setup", path: "scripts/setup.sh" };

/** The form over `files`, the project's files seeded when given; `latest` is the last edit. */
function renderForm(files: Record<string, unknown>[], seedFiles?: { id: string; path: string }[]) {
  const seed = seedFiles ? [[["project-files", "p1"], projectFiles(seedFiles)] as const] : [];
  return renderBoardForm(
    { board: "qemu-arm64", system: { hostname: "lab" }, files },
    { seed: [EMPTY_CATALOGUE, ...seed] },
  );
}

function fileSelect(index: number): HTMLSelectElement {
  const element = document.getElementById(`root_files_${index}_fileId`);
  if (!(element instanceof HTMLSelectElement))
    throw new Error(`#root_files_${index}_fileId is no select`);
  return element;
}

const options = (select: HTMLSelectElement) =>
  [...select.options].map((option) => [option.value, option.textContent]);

describe("the config form's file choice", () => {
  it("offers the project's files by path, and stores the chosen one's id", async () => {
    const fetchMock = stubGraphQL(() => ({ data: projectFiles([MOTD, SETUP]) }));
    const { latest } = renderForm([{ path: "/etc/motd", mode: "0644" }]);

    // Asked for the board's project, and listed once it answers.
    await screen.findByRole("option", { name: "scripts/setup.sh" });
    expect(fetchMock.mock.calls.map(([, init]) => parseRequestBody(init).variables)).toEqual([
      { projectId: "p1" },
    ]);
    const select = fileSelect(0);
    expect(screen.getByLabelText(/^File/, { selector: "select" })).toBe(select);
    expect(options(select)).toEqual([
      ["", "Choose a file"],
      ["f_motd", "overlays/etc/motd"],
      ["f_setup", "scripts/setup.sh"],
    ]);
    expect(select.value).toBe("");

    fireEvent.change(select, { target: { value: "f_setup" } });
    expect(latest.config["files"]).toEqual([
      { fileId: "f_setup", path: "/etc/motd", mode: "0644" },
    ]);
    fireEvent.change(select, { target: { value: "" } });
    expect(latest.config["files"]).toEqual([{ path: "/etc/motd", mode: "0644" }]);
  });

  it("keeps an id the project does not have, named as an unknown file, until another is chosen", () => {
    const { latest } = renderForm(
      [
        { fileId: "f_gone", path: "/etc/issue", mode: "0600" },
        { fileId: "f_motd", path: "/etc/motd", mode: "0644" },
      ],
      [MOTD],
    );
    const gone = fileSelect(0);
    expect(gone.value).toBe("f_gone");
    expect(options(gone)).toEqual([
      ["", "Choose a file"],
      ["f_gone", "unknown file f_gone"],
      ["f_motd", "overlays/etc/motd"],
    ]);
    // A known one is not listed twice.
    expect(fileSelect(1).value).toBe("f_motd");
    expect(options(fileSelect(1))).toHaveLength(2);

    fireEvent.change(gone, { target: { value: "f_motd" } });
    const [first] = latest.config["files"] as Record<string, unknown>[];
    expect(first).toEqual({ fileId: "f_motd", path: "/etc/issue", mode: "0600" });
    expect(options(fileSelect(0)).map(([value]) => value)).toEqual(["", "f_motd"]);
  });

  it("shows a stored id as it is while the files cannot be read, and says why", async () => {
    stubGraphQL(() => ({ data: null, errors: [{ message: "Not a member of this project." }] }));
    renderForm([{ fileId: "f_motd", path: "/etc/motd" }]);
    expect(
      await screen.findByText("Could not load the project's files: Not a member of this project."),
    ).toBeTruthy();
    expect(fileSelect(0).value).toBe("f_motd");
    expect(options(fileSelect(0))).toEqual([
      ["", "Choose a file"],
      ["f_motd", "f_motd"],
    ]);
  });
});
