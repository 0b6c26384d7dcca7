import { useQuery } from "@tanstack/react-query";

import { useServerTime } from "../live/use-server-time";
import { healthQueryOptions } from "./health-operations";

/** Bottom strip: API health (polled over HTTP) and the server clock (pushed over graphql-ws). */
export function StatusBar() {
  return (
    <footer className="status-bar" aria-label="Status">
      <ApiHealth />
      <ServerClock />
    </footer>
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
    case "error":
      return (
        <span className="status-bar__item status-bar__item--bad" title={serverTime.message}>
          Live: disconnected
        </span>
      );
  }
}
