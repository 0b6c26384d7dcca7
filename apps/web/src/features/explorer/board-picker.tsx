import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";

import { catalogueQueryOptions, type CatalogueBoard } from "./explorer-operations";

/** How many matches the picker lists at once; typing narrows the rest. */
const SHOWN_MATCHES = 40;

const TIER_LABELS: Record<CatalogueBoard["supportTier"], string> = {
  STANDARD: "standard support",
  COMMUNITY: "community",
  VIRTUAL: "virtual machine",
};

/** Every word of the query must appear in the board's name, vendor, SoC, architecture or tier. */
function matchesCatalogueBoard(board: CatalogueBoard, query: string): boolean {
  const haystack = [
    board.id,
    board.name,
    board.vendor,
    board.soc,
    board.architecture,
    TIER_LABELS[board.supportTier],
  ]
    .join(" ")
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** A searchable choice of catalogue board, as radio buttons (arrow keys move between them). */
export function BoardPicker({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (id: string) => void;
}) {
  const catalogue = useQuery(catalogueQueryOptions());
  const [query, setQuery] = useState("");
  const name = useId();
  const matches = useMemo(
    () => (catalogue.data ?? []).filter((board) => matchesCatalogueBoard(board, query)),
    [catalogue.data, query],
  );

  if (catalogue.isPending) return <p className="muted">Loading the catalogue…</p>;
  if (catalogue.isError) {
    return <p role="alert">Could not load the catalogue: {catalogue.error.message}</p>;
  }
  return (
    <fieldset className="board-picker">
      <legend>Hardware</legend>
      <input
        type="search"
        aria-label="Search boards by name, vendor, SoC or architecture"
        placeholder="Search: rock 5, rk3588, arm64, qemu…"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="board-picker__list">
        {matches.slice(0, SHOWN_MATCHES).map((board) => (
          <label key={board.id} className="board-picker__option">
            <input
              type="radio"
              name={name}
              value={board.id}
              checked={value === board.id}
              onChange={() => onChange(board.id)}
            />
            <span className="board-picker__name">{board.name}</span>
            <span className="muted board-picker__facts">
              {board.vendor} · {board.soc} · {board.architecture.toLowerCase()} ·{" "}
              {TIER_LABELS[board.supportTier]}
            </span>
          </label>
        ))}
      </div>
      <p className="muted board-picker__count" aria-live="polite">
        {matches.length === 0
          ? "No board matches."
          : matches.length > SHOWN_MATCHES
            ? `${SHOWN_MATCHES} of ${matches.length} shown; type to narrow.`
            : `${matches.length} of ${catalogue.data.length} boards.`}
      </p>
    </fieldset>
  );
}
