const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
/** A dotted quad without leading zeros, optionally followed by `/0`…`/32`. */
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(3[0-2]|[12]?[0-9]))?$`);

/** An IPv4 address as an unsigned 32-bit number, or `null` when `text` is not a dotted quad. */
export function parseIpv4(text: string): number | null {
  const match = IPV4.exec(text);
  if (match === null || match[5] !== undefined) return null;
  return toNumber(match);
}

function toNumber(match: RegExpExecArray): number {
  // Multiplication instead of `<<`: JavaScript's bit operators work on signed 32-bit integers.
  return (
    ((Number(match[1]) * 256 + Number(match[2])) * 256 + Number(match[3])) * 256 + Number(match[4])
  );
}

/** An IPv4 address with prefix length, as in `192.168.1.50/24`. */
export interface Ipv4Cidr {
  address: number;
  prefixLength: number;
}

/** Parses `a.b.c.d/n`, or returns `null`. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | null {
  const match = IPV4.exec(text);
  if (match?.[5] === undefined) return null;
  return { address: toNumber(match), prefixLength: Number(match[5]) };
}

/** True when `address` lies inside the network of `cidr`. */
export function isInIpv4Subnet(address: number, cidr: Ipv4Cidr): boolean {
  // Division instead of bit operators: JavaScript's `>>` works on signed 32-bit integers.
  const size = 2 ** (32 - cidr.prefixLength);
  return Math.floor(address / size) === Math.floor(cidr.address / size);
}

/** The network of `cidr` in CIDR text, `192.168.1.0/24`. */
export function formatIpv4Network(cidr: Ipv4Cidr): string {
  const size = 2 ** (32 - cidr.prefixLength);
  let network = Math.floor(cidr.address / size) * size;
  const octets: number[] = [];
  for (let i = 0; i < 4; i++) {
    octets.unshift(network % 256);
    network = Math.floor(network / 256);
  }
  return `${octets.join(".")}/${cidr.prefixLength}`;
}
