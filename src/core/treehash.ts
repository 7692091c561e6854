import { createHash, type Hash } from "node:crypto";

/** Leaf size of the Glacier SHA-256 tree hash: 1 MiB. */
export const MIB = 1024 * 1024;

const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();

/**
 * Folds one level of nodes into the tree's root as Glacier defines it: pair left to right,
 * carry an odd node up unchanged. Works for leaves and for the hashes of aligned parts (SPEC §4.3).
 */
export function combineTreeHashes(nodes: readonly Buffer[]): Buffer {
  if (nodes.length === 0) return sha256(Buffer.alloc(0));
  let level = nodes.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      next.push(right ? sha256(Buffer.concat([left, right])) : left);
    }
    level = next;
  }
  return level[0] as Buffer;
}

/**
 * The tree hash alone, streamed in O(log n) memory: a stack of (level, digest) pairs merged as soon
 * as two siblings exist (SPEC §4.1). Used on its own by the hash worker (see hash-pool.ts).
 */
export class TreeHasher {
  private leaf: Hash = createHash("sha256");
  private leafFill = 0;
  private readonly stack: { level: number; digest: Buffer }[] = [];
  private total = 0;

  update(chunk: Uint8Array): void {
    this.total += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(MIB - this.leafFill, chunk.length - offset);
      this.leaf.update(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.leafFill += take;
      offset += take;
      if (this.leafFill === MIB) this.pushLeaf();
    }
  }

  get size(): number {
    return this.total;
  }

  private pushLeaf(): void {
    let digest: Buffer = this.leaf.digest();
    let level = 0;
    this.leaf = createHash("sha256");
    this.leafFill = 0;
    for (let top = this.stack.at(-1); top && top.level === level; top = this.stack.at(-1)) {
      this.stack.pop();
      digest = sha256(Buffer.concat([top.digest, digest]));
      level += 1;
    }
    this.stack.push({ level, digest });
  }

  /** The root, lower-case hex. The hasher cannot be used afterwards. */
  digest(): string {
    if (this.leafFill > 0 || this.total === 0) this.pushLeaf();
    // The remaining stack holds subtrees of strictly decreasing size; fold from the right.
    let acc = (this.stack.pop() as { digest: Buffer }).digest;
    while (this.stack.length > 0) {
      const left = this.stack.pop() as { digest: Buffer };
      acc = sha256(Buffer.concat([left.digest, acc]));
    }
    return acc.toString("hex");
  }
}

/** Computes the linear SHA-256 and the tree hash of a byte stream in one pass, on this thread. */
export class StreamHasher {
  private readonly linear: Hash = createHash("sha256");
  private readonly tree = new TreeHasher();

  update(chunk: Buffer): void {
    this.linear.update(chunk);
    this.tree.update(chunk);
  }

  get size(): number {
    return this.tree.size;
  }

  /** Returns both hashes, lower-case hex. The hasher cannot be used afterwards. */
  digest(): { sha256: string; treeHash: string } {
    return { sha256: this.linear.digest("hex"), treeHash: this.tree.digest() };
  }
}

export function hashBuffer(data: Buffer): { sha256: string; treeHash: string } {
  const h = new StreamHasher();
  h.update(data);
  return h.digest();
}

/** True when [first, last] (inclusive) starts and ends on 1 MiB boundaries or at the archive's end. */
export function isMegabyteAligned(first: number, last: number, size: number): boolean {
  return first % MIB === 0 && first <= last && last <= size - 1 && ((last + 1) % MIB === 0 || last === size - 1);
}

/** True when [first, last] is exactly one node of the archive's tree (SPEC §4.4). */
export function isTreeHashAligned(first: number, last: number, size: number): boolean {
  if (!isMegabyteAligned(first, last, size)) return false;
  for (let span = MIB; ; span *= 2) {
    if (first % span !== 0) return false;
    if (last + 1 === Math.min(first + span, size)) return true;
    if (first + span >= size) return false;
  }
}
