import { useQuery } from "@tanstack/react-query";

import { useServerTime } from "../live/use-server-time";
import { healthQueryOptions } from "./health-operations";
import { PUBLIC_KEY_URL, signingKeyQueryOptions } from "./signing-key-operations";

/**
 * Bottom strip: API health (polled over HTTP), the server clock (pushed over graphql-ws) and the
 * key that signs artifacts.
 */
export function StatusBar() {
  return (
    <footer className="status-bar" aria-label="Status">
      <ApiHealth />
      <ServerClock />
      <SigningKey />
    </footer>
  );
}

function SigningKey() {
  const key = useQuery(signingKeyQueryOptions());
  if (!key.data) return null;
  const { keyId, publicKey, development } = key.data;
  return (
    <a
      className={`status-bar__item ${development ? "status-bar__item--bad" : ""}`}
      href={PUBLIC_KEY_URL}
      title={`minisign public key ${publicKey}${development ? " (a generated development key: set SIGNING_KEY_FILE)" : ""}`}
    >
      Signing key {keyId}
      {development ? " (development)" : ""}
    </a>
  );
}

function ApiHealth() {
  const health = useQuery(healthQueryOptions());

  if (health.isPending) {
    return <span className="status-bar__item">API: checking…</span>;
  }
  if (health.isError) {
    return (
      <span className="status-bar__item status-bar__item--bad" title={health.error.message}>
        API: unreachable
      </span>
    );
  }
  const ok = health.data.status === "OK";
  return (
    <span className={`status-bar__item ${ok ? "status-bar__item--good" : "status-bar__item--bad"}`}>
      API: {health.data.status.toLowerCase()} · v{health.data.version}
    </span>
  );
}

function ServerClock() {
  const serverTime = useServerTime();

  switch (serverTime.status) {
    case "connecting":
      return <span className="status-bar__item">Live: connecting…</span>;
    case "live":
      return (
        <span className="status-bar__item" title="serverTime subscription">
          Live:{" "}
          <time dateTime={serverTime.time}>{new Date(serverTime.time).toLocaleTimeString()}</time>
        </span>
      );
    case "reconnecting":
      return (
        <span
          className="status-bar__item status-bar__item--bad"
          role="status"
          title={serverTime.message}
        >
          Live: reconnecting…
        </span>
      );
    case "error":
      return (
        <span className="status-bar__item status-bar__item--bad" title={serverTime.message}>
          Live: disconnected
        </span>
      );
  }
}
