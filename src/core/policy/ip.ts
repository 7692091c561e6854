/** IPv4/IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress condition operators. */
export interface Cidr {
  v6: boolean;
  bits: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(p));
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  // An embedded dotted quad (::ffff:1.2.3.4) supplies the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (h: string | undefined): bigint[] | undefined => {
    if (!h) return [];
    const out: bigint[] = [];
    for (const g of h.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0]);
  const rest = group(halves[1]);
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - given).fill(0n), ...rest, ...tail];
  } else {
    if (given !== 8) return undefined;
    groups = [...head, ...tail];
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4, as on AWS. */
export function parseIp(s: string): { v6: boolean; bits: bigint } | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v6: false, bits: v4 };
  if (!s.includes(":")) return undefined;
  const v6 = parseV6(s);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { v6: false, bits: v6 & 0xffffffffn };
  return { v6: true, bits: v6 };
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf("/");
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  return { v6: addr.v6, bits: addr.bits, prefix };
}

export function cidrContains(block: Cidr, ip: string): boolean {
  const addr = parseIp(ip);
  if (!addr || addr.v6 !== block.v6) return false;
  const shift = BigInt((block.v6 ? 128 : 32) - block.prefix);
  return addr.bits >> shift === block.bits >> shift;
}
