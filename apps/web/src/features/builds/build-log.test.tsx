import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { BuildLog, LOG_ROW_HEIGHT } from "./build-log";
import { createFakeLiveClient } from "./fake-live-client";
import type { LogLine } from "./log-buffer";

const VIEWPORT_HEIGHT = 360;

/**
 * jsdom has no layout: give every element the viewport's height, make the scroll height the
 * virtual canvas's, and let scrollTo move scrollTop and fire `scroll` in the next frame, as a
 * browser would.
 */
function stubLayout() {
  vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(VIEWPORT_HEIGHT);
  vi.spyOn(Element.prototype, "clientWidth", "get").mockReturnValue(800);
  vi.spyOn(Element.prototype, "scrollHeight", "get").mockImplementation(function (this: Element) {
    const canvas = this.firstElementChild;
    return canvas instanceof HTMLElement ? Number.parseFloat(canvas.style.height) || 0 : 0;
  });
  Object.defineProperty(Element.prototype, "scrollTo", {
    configurable: true,
    value(this: Element, options: ScrollToOptions) {
      this.scrollTop = options.top ?? this.scrollTop;
      requestAnimationFrame(() => this.dispatchEvent(new Event("scroll")));
    },
  });
}

beforeEach(stubLayout);
afterEach(() => {
  Reflect.deleteProperty(Element.prototype, "scrollTo");
});

let nextBuild = 0;

function renderLog() {
  const fake = createFakeLiveClient();
  const buildId = `log-view-${++nextBuild}`;
  const view = render(<BuildLog buildId={buildId} client={fake.client} />);
  const push = (lines: Partial<LogLine>[]) =>
    act(() => {
      const { sink } = fake.active("BuildLog");
      for (const line of lines) {
        sink.next({
          data: {
            buildLog: { at: "2025-01-01T12:34:56.789Z", stream: "OUT", text: "", ...line },
          },
        });
      }
    });
  return { ...view, fake, push };
}

const numbered = (count: number, make: (seq: number) => Partial<LogLine> = () => ({})) =>
  Array.from({ length: count }, (_, index) => ({
    seq: index + 1,
    text: `line ${index + 1}`,
    ...make(index + 1),
  }));

const rows = (container: HTMLElement) => [...container.querySelectorAll(".build-log__line")];
const rowOf = (container: HTMLElement, seq: number) =>
  container.querySelector<HTMLElement>(`.build-log__line[data-seq="${seq}"]`);

describe("BuildLog", () => {
  it("keeps only a window of 100,000 lines in the DOM, following the end", async () => {
    const { container, push } = renderLog();
    push(numbered(100_000));

    await screen.findByText("100,000 lines; live");
    await waitFor(() => expect(rowOf(container, 100_000)).not.toBeNull());
    const rendered = rows(container).length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(100);
    expect(rowOf(container, 1)).toBeNull();
  });

  it("marks stderr lines in text and jumps to the first error", async () => {
    const { container, push } = renderLog();
    push(numbered(500, (seq) => (seq === 300 ? { stream: "ERR", text: "cc: no such file" } : {})));
    await screen.findByText("500 lines; live");

    fireEvent.click(screen.getByRole("button", { name: "Jump to first error" }));

    await waitFor(() =>
      expect(rowOf(container, 300)?.className).toContain("build-log__line--active"),
    );
    expect(rowOf(container, 300)?.textContent).toContain("ERR");
    expect(screen.getByRole("button", { name: "Follow" }).getAttribute("aria-pressed")).toBe(
      "false",
    );
  });

  it("counts search matches and steps through them", async () => {
    const { container, push } = renderLog();
    push(numbered(500, (seq) => ([11, 251, 401].includes(seq) ? { text: "a Needle here" } : {})));
    await screen.findByText("500 lines; live");

    fireEvent.change(screen.getByRole("searchbox", { name: "Search the log" }), {
      target: { value: "needle" },
    });
    await screen.findByText("3 matches");

    const next = screen.getByRole("button", { name: "Next match" });
    fireEvent.click(next);
    expect(screen.getByText("1 of 3 matches")).toBeTruthy();
    await waitFor(() => expect(rowOf(container, 11)?.className).toContain("--active"));
    expect(rowOf(container, 11)?.querySelector("mark")?.textContent).toBe("Needle");

    fireEvent.click(next);
    await waitFor(() => expect(rowOf(container, 251)?.className).toContain("--active"));

    fireEvent.click(screen.getByRole("button", { name: "Previous match" }));
    expect(screen.getByText("1 of 3 matches")).toBeTruthy();
    await waitFor(() => expect(rowOf(container, 11)?.className).toContain("--active"));
  });

  it("stops following when scrolled up and follows again on Follow", async () => {
    const { container, push } = renderLog();
    push(numbered(500));
    await screen.findByText("500 lines; live");
    const follow = screen.getByRole("button", { name: "Follow" });
    expect(follow.getAttribute("aria-pressed")).toBe("true");

    const viewport = screen.getByRole("region", { name: "Log lines" });
    await waitFor(() => expect(rowOf(container, 500)).not.toBeNull());
    viewport.scrollTop = 0;
    fireEvent.scroll(viewport);
    expect(follow.getAttribute("aria-pressed")).toBe("false");

    push(numbered(600).slice(500));
    await screen.findByText("600 lines; live");
    expect(rowOf(container, 1)).not.toBeNull();
    expect(rowOf(container, 600)).toBeNull();

    fireEvent.click(follow);
    expect(follow.getAttribute("aria-pressed")).toBe("true");
    await waitFor(() => expect(rowOf(container, 600)).not.toBeNull());
    expect(viewport.scrollTop).toBe(600 * LOG_ROW_HEIGHT - VIEWPORT_HEIGHT);
  });

  it("shows timestamps on request and says when the log is complete", async () => {
    const { container, fake, push } = renderLog();
    push(numbered(3));
    await screen.findByText("3 lines; live");
    expect(container.querySelector("time")).toBeNull();

    fireEvent.click(screen.getByRole("checkbox", { name: "Timestamps" }));
    const times = container.querySelectorAll("time");
    expect(times).toHaveLength(3);
    expect(times[0]?.getAttribute("dateTime")).toBe("2025-01-01T12:34:56.789Z");

    act(() => fake.active("BuildLog").sink.complete());
    const status = within(container).getByText("3 lines. Log complete.");
    await waitFor(() => expect(status).toBeTruthy());
  });
});
