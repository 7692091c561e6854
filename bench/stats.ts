export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const MiB = 2 ** 20;

export const mibps = (bytes: number, seconds: number): number => bytes / MiB / seconds;

export const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "—";

export const fmtBytes = (n: number): string =>
  n >= 2 ** 30 ? `${fmt(n / 2 ** 30, 2)} GiB` : n >= MiB ? `${fmt(n / MiB, 0)} MiB` : `${fmt(n / 1024, 0)} KiB`;

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
