import Anser, { type AnserJsonEntry } from "anser";
import type { CSSProperties, ReactNode } from "react";

const BASE_COLORS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

/**
 * One log line with its ANSI colours and decorations as classes (builds.css), and `highlight`
 * marked. Text only ever becomes React text nodes, so markup in a log line is shown, not run.
 */
export function AnsiText({ text, highlight }: { text: string; highlight: string }) {
  if (!text.includes("\u001b")) return <>{markMatches(text, highlight)}</>;
  const entries = Anser.ansiToJson(text, { use_classes: true, remove_empty: true });
  return (
    <>
      {entries.map((entry, index) => (
        <span key={index} className={classesOf(entry)} style={styleOf(entry)}>
          {markMatches(entry.content, highlight)}
        </span>
      ))}
    </>
  );
}

function classesOf(entry: AnserJsonEntry): string | undefined {
  const classes = [
    colorClass(entry.fg, "fg"),
    colorClass(entry.bg, "bg"),
    ...entry.decorations.map((decoration) => `ansi-${decoration}`),
  ].filter(Boolean);
  return classes.length > 0 ? classes.join(" ") : undefined;
}

/**
 * Anser names the 16 basic colours (`ansi-red`, `ansi-bright-red`) and leaves 256-colour
 * (`ansi-palette-N`) and true colours to the caller: the first become classes, the rest styles.
 */
function colorClass(color: string | null, layer: "fg" | "bg"): string | null {
  if (!color || color === "ansi-truecolor") return null;
  const palette = paletteIndex(color);
  if (palette === null) return `${color}-${layer}`;
  if (palette < 16) {
    const bright = palette >= 8 ? "bright-" : "";
    return `ansi-${bright}${BASE_COLORS[palette % 8]}-${layer}`;
  }
  return null;
}

function styleOf(entry: AnserJsonEntry): CSSProperties | undefined {
  const color = cssColor(entry.fg, entry.fg_truecolor);
  const backgroundColor = cssColor(entry.bg, entry.bg_truecolor);
  if (!color && !backgroundColor) return undefined;
  return { ...(color && { color }), ...(backgroundColor && { backgroundColor }) };
}

function cssColor(color: string | null, trueColor: string | null): string | null {
  if (color === "ansi-truecolor" && trueColor) return `rgb(${trueColor})`;
  const palette = color ? paletteIndex(color) : null;
  if (palette === null || palette < 16) return null;
  if (palette >= 232) {
    const grey = 8 + (palette - 232) * 10;
    return `rgb(${grey}, ${grey}, ${grey})`;
  }
  const cube = palette - 16;
  const level = (n: number) => CUBE_LEVELS[n] ?? 0;
  return `rgb(${level(Math.floor(cube / 36))}, ${level(Math.floor(cube / 6) % 6)}, ${level(cube % 6)})`;
}

function paletteIndex(color: string): number | null {
  const match = /^ansi-palette-(\d+)$/.exec(color);
  return match ? Number(match[1]) : null;
}

/** `text` with each case-insensitive occurrence of `needle` in a <mark>. */
function markMatches(text: string, needle: string): ReactNode {
  const lower = text.toLowerCase();
  // Lowercasing a few characters changes the length; such text is left unmarked.
  if (needle === "" || lower.length !== text.length) return text;
  const lowerNeedle = needle.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(lowerNeedle); at !== -1; at = lower.indexOf(lowerNeedle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (parts.length === 0) return text;
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}
