import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { boardConfigSchemas, type BoardConfigSchemaId } from "@bbos/schemas";

import { catalogueBoard, catalogueSeed } from "../../../test/catalogue-seed";
import { renderBoardForm, type RenderBoardFormOptions } from "../../../test/render-board-form";
import { issuesToErrorSchema } from "../validation/issue-errors";

// Recorded from the catalogue's shape: an Armbian-only RK3588 board with a vendor kernel whose
// overlays are unknown, and a board both recipes build whose Debian boot loader ships in trixie only.
const rock5b = catalogueBoard({
  id: "rock-5b",
  name: "ROCK 5B",
  vendor: "Radxa",
  soc: "rk3588",
  supportTier: "STANDARD",
  branches: ["current", "edge", "vendor"],
  recipes: ["ARMBIAN"],
  releases: [
    { recipe: "ARMBIAN", name: "bookworm", expert: true },
    { recipe: "ARMBIAN", name: "trixie", expert: false },
    { recipe: "ARMBIAN", name: "noble", expert: false },
    { recipe: "ARMBIAN", name: "jammy", expert: true },
  ],
  overlays: [
    { branch: "current", names: ["uart1-m1", "can0-m0", "i2c5-m3"] },
    { branch: "edge", names: ["uart1-m1"] },
    { branch: "vendor", names: null },
  ],
  overlayPrefix: "rockchip-rk3588",
});
const rock4se = catalogueBoard({
  id: "rock-4se",
  name: "ROCK 4SE",
  vendor: "Radxa",
  soc: "rk3399",
  supportTier: "STANDARD",
  branches: ["current", "edge"],
  recipes: ["DEBIAN", "ARMBIAN"],
  releases: [
    { recipe: "DEBIAN", name: "trixie", expert: false },
    { recipe: "ARMBIAN", name: "trixie", expert: false },
    { recipe: "ARMBIAN", name: "noble", expert: false },
  ],
  overlays: [
    { branch: "current", names: ["spi1-flash"] },
    { branch: "edge", names: [] },
  ],
  overlayPrefix: "rockchip",
});
const qemu = catalogueBoard({ id: "qemu-arm64", name: "QEMU virt (arm64)" });

const SCHEMA_IDS = Object.keys(boardConfigSchemas) as BoardConfigSchemaId[];

/** The form over the config it edits, as the board editor keeps it; `latest` is the last edit. */
function renderForm(
  initial: Record<string, unknown>,
  options: Omit<RenderBoardFormOptions, "seed"> = {},
) {
  return renderBoardForm(initial, { ...options, seed: [catalogueSeed(rock5b, rock4se, qemu)] });
}

function config(board: string, os: Record<string, unknown>, recipe?: string) {
  return {
    board,
    os: { variant: "server", ...os },
    system: { hostname: "lab" },
    ...(recipe === undefined ? {} : { build: { recipe } }),
  };
}

function field<T extends HTMLElement>(container: HTMLElement, id: string): T {
  const element = container.querySelector<T>(`#${id}`);
  if (!element) throw new Error(`the form has no #${id}`);
  return element;
}

const options = (select: HTMLSelectElement) =>
  [...select.options].map((option) => [option.value, option.textContent]);

describe("the release choice", () => {
  it.each(SCHEMA_IDS)(
    "lists the chosen board's releases for the recipe, and follows the board and the recipe (%s)",
    (schemaId) => {
      const { container } = renderForm(
        config("rock-5b", { release: "trixie", branch: "current" }, "armbian"),
        { schemaId },
      );
      const release = field<HTMLSelectElement>(container, "root_os_release");
      expect(release.tagName).toBe("SELECT");
      expect(release.value).toBe("trixie");
      expect(options(release)).toEqual([
        ["bookworm", "bookworm (Armbian expert mode)"],
        ["trixie", "trixie"],
        ["noble", "noble"],
        ["jammy", "jammy (Armbian expert mode)"],
      ]);

      fireEvent.change(field(container, "root_board"), { target: { value: "rock-4se" } });
      expect(options(field(container, "root_os_release"))).toEqual([
        ["trixie", "trixie"],
        ["noble", "noble"],
      ]);

      fireEvent.change(field(container, "root_build_recipe"), { target: { value: "debian" } });
      expect(options(field(container, "root_os_release"))).toEqual([["trixie", "trixie"]]);
    },
  );

  it("uses the debian recipe's releases when the config names no recipe", () => {
    const { container } = renderForm(config("rock-4se", { release: "trixie", branch: "current" }));
    expect(options(field(container, "root_os_release"))).toEqual([["trixie", "trixie"]]);
  });

  it("keeps a stored release the board does not accept as a choice, and stores a pick", () => {
    const { container, latest } = renderForm(
      config("rock-4se", { release: "bookworm", branch: "current" }, "debian"),
    );
    const release = field<HTMLSelectElement>(container, "root_os_release");
    expect(release.value).toBe("bookworm");
    expect(options(release)).toEqual([
      ["bookworm", "bookworm"],
      ["trixie", "trixie"],
    ]);
    fireEvent.change(release, { target: { value: "trixie" } });
    expect(latest.config).toMatchObject({ os: { release: "trixie" } });
  });

  it("is free text while no catalogue board is chosen", () => {
    const { container } = renderForm(config("no-such-board", { release: "trixie" }));
    const release = field<HTMLInputElement>(container, "root_os_release");
    expect(release.tagName).toBe("INPUT");
    expect(release.value).toBe("trixie");
  });
});

describe("the recipe choice", () => {
  it("offers the board's recipes, keeping an unusable stored one, and every recipe without a board", () => {
    // No recipe stored: the schemas' default, debian, which rock-5b cannot use.
    const { container, latest } = renderForm(config("rock-5b", { branch: "current" }));
    const recipe = () => field<HTMLSelectElement>(container, "root_build_recipe");
    expect(recipe().value).toBe("debian");
    expect(options(recipe())).toEqual([
      ["debian", "Debian"],
      ["armbian", "Armbian"],
    ]);
    fireEvent.change(recipe(), { target: { value: "armbian" } });
    expect(latest.config).toMatchObject({ build: { recipe: "armbian" } });
    expect(options(recipe())).toEqual([["armbian", "Armbian"]]);

    fireEvent.change(field(container, "root_board"), { target: { value: "qemu-arm64" } });
    expect(options(recipe())).toEqual([
      ["debian", "Debian"],
      ["armbian", "Armbian"],
    ]);
    fireEvent.change(recipe(), { target: { value: "debian" } });
    expect(options(recipe())).toEqual([["debian", "Debian"]]);

    fireEvent.change(field(container, "root_board"), { target: { value: "" } });
    expect(options(recipe())).toEqual([
      ["debian", "Debian"],
      ["armbian", "Armbian"],
    ]);
  });
});

describe("the overlay choice", () => {
  const overlays = () => screen.getByRole("group", { name: "Device-tree overlays" });

  it.each(SCHEMA_IDS)(
    "offers the overlays of the chosen board and branch as labelled checkboxes (%s)",
    (schemaId) => {
      const { container, latest } = renderForm(
        config("rock-5b", { release: "trixie", branch: "current" }, "armbian"),
        { schemaId },
      );
      const group = overlays();
      expect(
        within(group)
          .getAllByRole("checkbox")
          .map((box) => box.closest("label")?.textContent),
      ).toEqual(["uart1-m1", "can0-m0", "i2c5-m3"]);
      expect(group.getAttribute("aria-describedby")).toBeTruthy();
      expect(
        document.getElementById(group.getAttribute("aria-describedby") ?? "")?.textContent,
      ).toContain("rockchip-rk3588-n.dtbo");

      fireEvent.click(within(group).getByRole("checkbox", { name: "can0-m0" }));
      fireEvent.click(within(overlays()).getByRole("checkbox", { name: "uart1-m1" }));
      expect(latest.config).toMatchObject({ kernel: { overlays: ["can0-m0", "uart1-m1"] } });
      fireEvent.click(within(overlays()).getByRole("checkbox", { name: "can0-m0" }));
      expect(latest.config).toMatchObject({ kernel: { overlays: ["uart1-m1"] } });

      fireEvent.change(field(container, "root_os_branch"), { target: { value: "edge" } });
      expect(within(overlays()).getAllByRole("checkbox")).toHaveLength(1);
    },
  );

  it("keeps a stored overlay the branch does not build, checked, with the server's message", () => {
    renderForm(
      {
        ...config("rock-5b", { release: "trixie", branch: "edge" }, "armbian"),
        kernel: { overlays: ["uart1-m1", "can0-m0"] },
      },
      {
        serverErrors: issuesToErrorSchema([
          {
            path: "/kernel/overlays/1",
            code: "OVERLAY_UNKNOWN",
            message: 'Overlay "can0-m0" cannot load on ROCK 5B with the "edge" kernel.',
            severity: "ERROR",
          },
        ]),
      },
    );
    const stale = within(overlays()).getByRole<HTMLInputElement>("checkbox", {
      name: "can0-m0 (not built for this board and branch)",
    });
    expect(stale.checked).toBe(true);
    expect(stale.getAttribute("aria-describedby")).toBeTruthy();
    expect(
      document.getElementById(stale.getAttribute("aria-describedby") ?? "")?.textContent,
    ).toContain('cannot load on ROCK 5B with the "edge" kernel');
    expect(
      within(overlays()).getByRole<HTMLInputElement>("checkbox", { name: "uart1-m1" }).checked,
    ).toBe(true);
  });

  it("says when the branch builds no overlays for the board", () => {
    renderForm(config("rock-4se", { release: "trixie", branch: "edge" }, "armbian"));
    expect(within(overlays()).queryAllByRole("checkbox")).toEqual([]);
    expect(
      within(overlays()).getByText("The edge kernel builds no overlays for ROCK 4SE."),
    ).toBeTruthy();
  });

  it("keeps the free-text list where the catalogue does not know the branch's overlays", () => {
    const { container } = renderForm({
      ...config("rock-5b", { release: "trixie", branch: "vendor" }, "armbian"),
      kernel: { overlays: ["rk3588-custom"] },
    });
    expect(within(overlays()).queryAllByRole("checkbox")).toEqual([]);
    expect(field<HTMLInputElement>(container, "root_kernel_overlays_0").value).toBe(
      "rk3588-custom",
    );
    expect(screen.getAllByRole("button", { name: "Add" }).length).toBeGreaterThan(0);
  });

  it("keeps the free-text list for a board whose overlays are unknown, and without a board", () => {
    const { container } = renderForm({
      ...config("qemu-arm64", { release: "trixie", branch: "current" }, "debian"),
      kernel: { overlays: ["x"] },
    });
    expect(field<HTMLInputElement>(container, "root_kernel_overlays_0").value).toBe("x");
    fireEvent.change(field(container, "root_board"), { target: { value: "" } });
    expect(field<HTMLInputElement>(container, "root_kernel_overlays_0").value).toBe("x");
  });
});
