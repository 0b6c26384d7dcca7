import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";

import type { LiveClient } from "../live/live-client";
import { PUBLIC_KEY_URL, signingKeyQueryOptions } from "../status/signing-key-operations";
import { formatBytes } from "./build-format";
import { buildQueryOptions, useBuildLive, type BuildDetail } from "./build-operations";
import { useBuildSelectionStore } from "./build-selection-store";
import { isEnded, statusLabel } from "./build-status";
import { CopyButton } from "./copy-button";
import "./builds.css";

/** The selected build's files, how to verify them, and how to build them again. */
export function ArtifactsPanel({ client }: { client?: LiveClient } = {}) {
  const buildId = useBuildSelectionStore((state) => state.selectedBuildId);
  const query = useQuery({ ...buildQueryOptions(buildId ?? ""), enabled: buildId !== null });
  const build = query.data;
  // Until it ends, follow the build here too: its artifacts come with its success.
  useBuildLive(build && !isEnded(build.status) ? build.id : null, client);

  let content: ReactNode;
  if (buildId === null) content = <p className="muted">Select a build to see its artifacts.</p>;
  else if (query.isPending) content = <p className="muted">Loading the build…</p>;
  else if (query.isError) {
    content = <p className="error">Could not load the build: {query.error.message}</p>;
  } else if (!build) {
    content = (
      <p className="error">There is no such build, or you are not a member of its project.</p>
    );
  } else if (build.status !== "SUCCEEDED") {
    content = (
      <p className="muted">
        Artifacts appear when the build succeeds. This build is{" "}
        {statusLabel(build.status).toLowerCase()}.
      </p>
    );
  } else if (build.artifacts.length === 0) {
    content = <p className="muted">This build&apos;s artifacts were deleted.</p>;
  } else {
    content = <Artifacts build={build} />;
  }

  return (
    <section className="panel" aria-label="Artifacts">
      {content}
    </section>
  );
}

function Artifacts({ build }: { build: BuildDetail }) {
  return (
    <>
      <table className="artifacts-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Size</th>
            <th scope="col">SHA-256</th>
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {build.artifacts.map((artifact) => (
            <tr key={artifact.id}>
              <td className="artifacts-table__name">{artifact.name}</td>
              <td>{artifact.kind.toLowerCase()}</td>
              <td>{formatBytes(artifact.size)}</td>
              <td>
                <div className="artifacts-table__hash">
                  <code>{artifact.sha256}</code>
                  <CopyButton text={artifact.sha256} label={`Copy SHA-256 of ${artifact.name}`} />
                </div>
              </td>
              <td>
                <a href={artifact.downloadUrl} download={artifact.name}>
                  Download<span className="visually-hidden"> {artifact.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Verify build={build} />
      <h3 className="panel__subtitle">Reproduce</h3>
      <p>Build it again through the BBOS API; equal inputs give equal artifacts.</p>
      <Command text={build.reproduceCommand} label="Copy the reproduce command" />
    </>
  );
}

/** The commands that check the downloads, with the files' real names and the signing key. */
function Verify({ build }: { build: BuildDetail }) {
  const key = useQuery(signingKeyQueryOptions());
  const checksum = build.artifacts.find((artifact) => artifact.kind === "CHECKSUM");
  const images = build.artifacts.filter((artifact) => artifact.kind === "IMAGE");

  return (
    <>
      <h3 className="panel__subtitle">Verify</h3>
      {checksum && (
        <>
          <p>In the folder with the downloads, check every file against the checksum list:</p>
          <Command text={`sha256sum -c ${checksum.name}`} label="Copy the checksum command" />
        </>
      )}
      {key.isPending && <p className="muted">Loading the signing key…</p>}
      {key.isError && <p className="error">Could not load the signing key: {key.error.message}</p>}
      {key.data &&
        images.map((image) => (
          <div key={image.id}>
            <p>
              Check the signature of {image.name} (key {key.data.keyId}):
            </p>
            <Command
              text={`minisign -Vm ${image.name} -P ${key.data.publicKey}`}
              label={`Copy the signature command for ${image.name}`}
            />
            <p>
              Or with the key file,{" "}
              <a href={PUBLIC_KEY_URL} download="minisign.pub">
                minisign.pub
              </a>{" "}
              (also at <code>{PUBLIC_KEY_URL}</code>):
            </p>
            <Command
              text={`minisign -Vm ${image.name} -p minisign.pub`}
              label={`Copy the key file command for ${image.name}`}
            />
          </div>
        ))}
      {key.data?.development && (
        <p className="build-warning">
          This server signs with a development key: a valid signature only shows the file came from
          this server.
        </p>
      )}
    </>
  );
}

function Command({ text, label }: { text: string; label: string }) {
  return (
    <div className="command">
      {/* Focusable, so a keyboard can scroll a long command sideways. */}
      <pre className="command__text" tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
      <CopyButton text={text} label={label} />
    </div>
  );
}
