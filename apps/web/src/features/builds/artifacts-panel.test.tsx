import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { stubGraphQL } from "../../../test/stub-graphql";
import { renderWithQuery } from "../../../test/render-with-query";
import { PUBLIC_KEY_URL } from "../status/signing-key-operations";
import { ArtifactsPanel } from "./artifacts-panel";
import { buildFixture, signingKeyData } from "./build-fixtures";
import type { BuildDetail } from "./build-operations";
import { useBuildSelectionStore } from "./build-selection-store";
import { createFakeLiveClient } from "./fake-live-client";

const IMAGE = "bbos-rpi4-lab-v3.img.xz";
const CHECKSUMS = "SHA256SUMS";

const artifact = (
  kind: BuildDetail["artifacts"][number]["kind"],
  name: string,
  size: number,
): BuildDetail["artifacts"][number] => ({
  id: `artifact-${name}`,
  kind,
  name,
  size,
  sha256: `${kind.toLowerCase().padEnd(8, "0")}${"a".repeat(56)}`,
  contentType: "application/octet-stream",
  downloadUrl: `/artifacts/build-1/${name}`,
});

const succeeded = buildFixture({
  status: "SUCCEEDED",
  progress: 1,
  etaSeconds: null,
  finishedAt: "2025-03-01T10:05:00.000Z",
  artifacts: [
    artifact("IMAGE", IMAGE, 1.5 * 1024 ** 3),
    artifact("CHECKSUM", CHECKSUMS, 180),
    artifact("SIGNATURE", `${IMAGE}.minisig`, 310),
  ],
});

function renderPanel(build: BuildDetail) {
  stubGraphQL((query) => {
    if (query.includes("query BuildDetail")) return { data: { build } };
    if (query.includes("query SigningKey")) return { data: signingKeyData };
    throw new Error(`unexpected query ${query}`);
  });
  useBuildSelectionStore.getState().selectBuild(build.id);
  return renderWithQuery(<ArtifactsPanel client={createFakeLiveClient().client} />);
}

afterEach(() => useBuildSelectionStore.getState().clear());

describe("ArtifactsPanel", () => {
  it("asks to select a build when none is", () => {
    renderWithQuery(<ArtifactsPanel client={createFakeLiveClient().client} />);
    expect(screen.getByText("Select a build to see its artifacts.")).toBeTruthy();
  });

  it("waits for the build to succeed", async () => {
    renderPanel(buildFixture());
    expect(await screen.findByText(/Artifacts appear when the build succeeds/)).toBeTruthy();
  });

  it("lists the files with size, hash and download link", async () => {
    renderPanel(succeeded);

    const link = await screen.findByRole("link", { name: `Download ${IMAGE}` });
    expect(link.getAttribute("href")).toBe(`/artifacts/build-1/${IMAGE}`);
    expect(link.getAttribute("download")).toBe(IMAGE);
    expect(screen.getByText("1.5 GB")).toBeTruthy();
    expect(screen.getByText("180 B")).toBeTruthy();
    expect(screen.getByText(`image000${"a".repeat(56)}`)).toBeTruthy();
  });

  it("gives the verify commands with the real file names and public key", async () => {
    renderPanel(succeeded);

    expect(await screen.findByText(`sha256sum -c ${CHECKSUMS}`)).toBeTruthy();
    expect(
      await screen.findByText(`minisign -Vm ${IMAGE} -P ${signingKeyData.signingKey.publicKey}`),
    ).toBeTruthy();
    expect(screen.getByText(`minisign -Vm ${IMAGE} -p minisign.pub`)).toBeTruthy();
    expect(screen.getByRole("link", { name: "minisign.pub" }).getAttribute("href")).toBe(
      PUBLIC_KEY_URL,
    );
    expect(screen.getByText(succeeded.reproduceCommand)).toBeTruthy();
  });

  it("copies a hash and the reproduce command to the clipboard", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    renderPanel(succeeded);

    fireEvent.click(await screen.findByRole("button", { name: `Copy SHA-256 of ${IMAGE}` }));
    fireEvent.click(screen.getByRole("button", { name: "Copy the reproduce command" }));

    await waitFor(() =>
      expect(writeText.mock.calls).toEqual([
        [`image000${"a".repeat(56)}`],
        [succeeded.reproduceCommand],
      ]),
    );
    expect(await screen.findAllByText("Copied")).toHaveLength(2);
  });
});
