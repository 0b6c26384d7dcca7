import { describe, expect, it } from "vitest";

import { formatIpv4Network, isInIpv4Subnet, parseIpv4, parseIpv4Cidr } from "./ipv4.ts";

describe("IPv4 helpers", () => {
  it("parses dotted quads and rejects anything else", () => {
    expect(parseIpv4("192.168.1.1")).toBe(0xc0a80101);
    expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
    for (const bad of ["256.1.1.1", "01.1.1.1", "1.1.1", "1.1.1.1/24", "a.b.c.d", ""]) {
      expect(parseIpv4(bad), bad).toBeNull();
    }
  });

  it("parses CIDR text and checks subnet membership", () => {
    const cidr = parseIpv4Cidr("192.168.1.50/24");
    expect(cidr).toEqual({ address: 0xc0a80132, prefixLength: 24 });
    if (cidr === null) return;
    expect(isInIpv4Subnet(0xc0a801fe, cidr)).toBe(true);
    expect(isInIpv4Subnet(0xc0a80201, cidr)).toBe(false);
    expect(formatIpv4Network(cidr)).toBe("192.168.1.0/24");
    expect(parseIpv4Cidr("10.0.0.1/33")).toBeNull();
    expect(parseIpv4Cidr("10.0.0.1")).toBeNull();
    const everything = parseIpv4Cidr("200.1.2.3/0");
    expect(everything !== null && isInIpv4Subnet(1, everything)).toBe(true);
  });
});
