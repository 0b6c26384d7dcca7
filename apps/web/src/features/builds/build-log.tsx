import { useVirtualizer } from "@tanstack/react-virtual";
import {
  memo,
  useDeferredValue,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
} from "react";

import type { LiveClient } from "../live/live-client";
import { AnsiText } from "./ansi-text";
import { formatLogTime } from "./build-format";
import type { LogLine } from "./log-buffer";
import { useBuildLog, type BuildLogFeed } from "./use-build-log";
import "./builds.css";

/** Every line is one row of this height (no wrapping), so the list needs no measuring. */
export const LOG_ROW_HEIGHT = 18;

/**
 * A build's live log, virtualised: only the rows in view (and a margin) are in the DOM. It
 * follows the end while the reader is there; scrolling up stops that, Follow resumes it.
 */
export function BuildLog({ buildId, client }: { buildId: string; client?: LiveClient }) {
  const feed = useBuildLog(buildId, client);
  const { buffer } = feed;
  const count = buffer.lines.length;

  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const [showTimes, setShowTimes] = useState(false);
  const [query, setQuery] = useState("");
  const [matchCursor, setMatchCursor] = useState(-1);
  const [activeIndex, setActiveIndex] = useState(-1);
  const searchId = useId();

  // Searching 100,000 lines takes a few milliseconds: typing stays responsive meanwhile.
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(
    () => buffer.search(deferredQuery, count),
    [buffer, deferredQuery, count],
  );

  // The app does not use the React Compiler, whose memoisation this warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LOG_ROW_HEIGHT,
    overscan: 20,
  });

  useLayoutEffect(() => {
    if (following && count > 0) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, following, virtualizer]);

  const jumpTo = (index: number) => {
    setFollowing(false);
    setActiveIndex(index);
    virtualizer.scrollToIndex(index, { align: "center" });
  };

  const stepMatch = (step: 1 | -1) => {
    if (matches.length === 0) return;
    const cursor = (matchCursor + step + matches.length) % matches.length;
    setMatchCursor(cursor);
    const index = matches[cursor];
    if (index !== undefined) jumpTo(index);
  };

  // Scrolling up stops following; reaching the end again resumes it, as in a terminal. Only
  // a move up counts: lines arriving between our scroll and its event must not stop it.
  const lastScrollTop = useRef(0);
  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const movedUp = element.scrollTop < lastScrollTop.current;
    lastScrollTop.current = element.scrollTop;
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight <= LOG_ROW_HEIGHT;
    if (atEnd && !following) setFollowing(true);
    else if (movedUp && !atEnd && following) setFollowing(false);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    stepMatch(event.shiftKey ? -1 : 1);
  };

  return (
    <section className="build-log" aria-label="Build log">
      <div className="build-log__toolbar">
        <button
          type="button"
          aria-pressed={following}
          onClick={() => setFollowing(!following)}
          title="Keep the newest line in view"
        >
          Follow
        </button>
        <label className="build-log__option">
          <input
            type="checkbox"
            checked={showTimes}
            onChange={(event) => setShowTimes(event.target.checked)}
          />
          Timestamps
        </label>
        <label className="visually-hidden" htmlFor={searchId}>
          Search the log
        </label>
        <input
          id={searchId}
          className="build-log__search"
          type="search"
          placeholder="Search the log"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setMatchCursor(-1);
          }}
          onKeyDown={onSearchKey}
        />
        <button
          type="button"
          onClick={() => stepMatch(-1)}
          disabled={matches.length === 0}
          aria-label="Previous match"
        >
          ↑
        </button>
        <button
          type="button"
          onClick={() => stepMatch(1)}
          disabled={matches.length === 0}
          aria-label="Next match"
        >
          ↓
        </button>
        <span className="build-log__matches" role="status">
          {deferredQuery === "" ? "" : matchSummary(matchCursor, matches.length)}
        </span>
        <button
          type="button"
          onClick={() => jumpTo(buffer.firstErrorIndex)}
          disabled={buffer.firstErrorIndex === -1}
        >
          Jump to first error
        </button>
      </div>
      <div
        ref={scrollRef}
        className="build-log__viewport"
        onScroll={onScroll}
        role="region"
        aria-label="Log lines"
        // Focusable, so keyboard users can scroll it.
        tabIndex={0}
      >
        <div className="build-log__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = buffer.lines[item.index];
            return line ? (
              <LogRow
                key={item.key}
                line={line}
                top={item.start}
                showTime={showTimes}
                highlight={deferredQuery}
                active={item.index === activeIndex}
              />
            ) : null;
          })}
        </div>
      </div>
      <p className="build-log__status" role="status" aria-label="Log status">
        {statusText(feed, count)}
      </p>
    </section>
  );
}

/** Rows keep their props while other lines arrive, so only new rows render. */
const LogRow = memo(function LogRow({
  line,
  top,
  showTime,
  highlight,
  active,
}: {
  line: LogLine;
  top: number;
  showTime: boolean;
  highlight: string;
  active: boolean;
}) {
  const style: CSSProperties = { transform: `translateY(${top}px)`, height: LOG_ROW_HEIGHT };
  const classes = [
    "build-log__line",
    `build-log__line--${line.stream.toLowerCase()}`,
    active && "build-log__line--active",
  ].filter(Boolean);
  return (
    <div className={classes.join(" ")} style={style} data-seq={line.seq}>
      {showTime && (
        <time className="build-log__time" dateTime={line.at}>
          {formatLogTime(line.at)}
        </time>
      )}
      {/* Errors say so in text too, not by colour alone. */}
      <span className="build-log__stream">{line.stream === "ERR" ? "ERR" : ""}</span>
      <span className="build-log__text">
        <AnsiText text={line.text} highlight={highlight} />
      </span>
    </div>
  );
});

function matchSummary(cursor: number, total: number): string {
  if (total === 0) return "No matches";
  const noun = total === 1 ? "match" : "matches";
  return cursor === -1 ? `${total} ${noun}` : `${cursor + 1} of ${total} ${noun}`;
}

function statusText(feed: BuildLogFeed, count: number): string {
  const lines = `${count.toLocaleString()} ${count === 1 ? "line" : "lines"}`;
  switch (feed.status) {
    case "connecting":
      return count > 0 ? `${lines}; connecting…` : "Connecting…";
    case "streaming":
      return `${lines}; live`;
    case "reconnecting":
      return `${lines}; connection lost (${feed.message ?? "no reason"}), reconnecting…`;
    case "complete":
      return `${lines}. Log complete.`;
    case "refused":
      return `Log unavailable: ${feed.message ?? "the server refused it"}`;
  }
}
