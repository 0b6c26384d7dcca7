import { describe, expect, it } from "vitest";

import { attachmentContentDisposition } from "./content-disposition.ts";

describe("attachmentContentDisposition", () => {
  it("quotes a plain ASCII name", () => {
    expect(attachmentContentDisposition("rpi4-image.img.zst")).toBe(
      'attachment; filename="rpi4-image.img.zst"',
    );
  });

  it("adds the UTF-8 name as filename* when ASCII cannot carry it", () => {
    expect(attachmentContentDisposition("Bild für Ümit (1).img")).toBe(
      "attachment; filename=\"Bild f_r _mit (1).img\"; filename*=UTF-8''Bild%20f%C3%BCr%20%C3%9Cmit%20%281%29.img",
    );
  });

  it("never passes quotes, backslashes, line breaks or path separators through", () => {
    const header = attachmentContentDisposition('a"b\\c/d\r\nSet-Cookie: x');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_b_c_d__Set-Cookie: x"; filename*=')).toBe(
      true,
    );
    expect(header).toContain("UTF-8''a%22b_c_d%0D%0ASet-Cookie%3A%20x");
  });

  it("replaces lone surrogates instead of failing", () => {
    expect(attachmentContentDisposition("a\uD800b")).toBe('attachment; filename="a_b"');
  });

  it.each(["", "x".repeat(256)])("refuses a name of length %#", (name) => {
    expect(() => attachmentContentDisposition(name)).toThrow("1 to 255 characters");
  });
});
