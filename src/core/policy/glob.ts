/** IAM wildcard matching: `*` is any run of characters (also empty), `?` exactly one. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    const c = p[pi];
    if (c === "?" || (c !== undefined && c !== "*" && c === t[ti])) {
      pi++;
      ti++;
    } else if (c === "*") {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

export const hasWildcard = (s: string): boolean => s.includes("*") || s.includes("?");

/** Splits an ARN into its five colon-separated fields plus the resource (which may contain colons). */
export function arnFields(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** ArnLike: each field matched on its own, so a wildcard never spans a colon between fields. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = arnFields(pattern);
  const a = arnFields(arn);
  if (!p || !a) return false;
  return p.every((field, i) => globMatch(field, a[i] as string));
}
