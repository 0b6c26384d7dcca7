import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { AnsiText } from "./ansi-text";

describe("AnsiText", () => {
  it("renders ANSI colours and decorations as classed spans", () => {
    const { container } = render(
      <AnsiText text={"\u001b[1;31mFAILED\u001b[0m plain \u001b[92mok\u001b[0m"} highlight="" />,
    );
    const red = container.querySelector(".ansi-red-fg");
    expect(red?.textContent).toBe("FAILED");
    expect(red?.classList.contains("ansi-bold")).toBe(true);
    expect(container.querySelector(".ansi-bright-green-fg")?.textContent).toBe("ok");
    expect(container.textContent).toBe("FAILED plain ok");
  });

  it("gives 256-colour and true-colour text an inline colour", () => {
    const { container } = render(
      <AnsiText text={"\u001b[38;5;196mA\u001b[0m\u001b[38;2;10;20;30mB"} highlight="" />,
    );
    const [a, b] = container.querySelectorAll("span");
    expect(a?.style.color).toBe("rgb(255, 0, 0)");
    expect(b?.style.color).toBe("rgb(10, 20, 30)");
  });

  it("shows markup in a line as text, with or without colours", () => {
    const { container } = render(
      <>
        <AnsiText text={'<script>alert("x")</script>'} highlight="" />
        <AnsiText text={"\u001b[31m<img src=x onerror=alert(1)>\u001b[0m"} highlight="" />
      </>,
    );
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toBe('<script>alert("x")</script><img src=x onerror=alert(1)>');
  });

  it("marks every case-insensitive match of the highlight", () => {
    const { container } = render(<AnsiText text="Error: error again" highlight="error" />);
    expect([...container.querySelectorAll("mark")].map((mark) => mark.textContent)).toEqual([
      "Error",
      "error",
    ]);
    expect(container.textContent).toBe("Error: error again");
  });
});
