import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  type GlacierClient,
  InitiateMultipartUploadCommand,
  UploadMultipartPartCommand,
} from "@aws-sdk/client-glacier";
import type { Services } from "../../src/api/types.js";

export const MIB = 1024 * 1024;

/** SPEC §4.2 data: n bytes, byte i = i mod 256. */
export function D(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}

/** Tree hashes from SPEC §4.2 (computed by botocore and the JS SDK, not by Permafrost). */
export const VECTOR = {
  mib1: "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83",
  mib2: "159967700b653cc4d21e8ceadd5e20c9be037fc839730b65b4343c967241fe95",
  mib3: "9bf95f5a1c4384e4c04b626bb12b022acba96a0fc1bb4ec3efd260a116f9e91b",
  mib3plus5: "3a40c480b40f7bb85bf09feb4f90c63207c26a9aa101b0c611aa2ad9464e97c9",
  mib3half: "f81f610ee154c46e593bf91d46638b4db02ca676b48996448687ed84d6c481f3",
  mib8: "fae9ec4d8b344877f0dd1972a171fb37fb2b14562c3276a6ac766643390503ea",
} as const;

export const range = (first: number, last: number) => `bytes ${first}-${last}/*`;

/** Asserts that a promise rejects with the given AWS error code (and exact message when given). */
export async function rejectsWith(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, code, `expected ${code}, got ${err.name}: ${err.message}`);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** Number of committed blob files on disk. */
export async function countBlobFiles(dataDir: string): Promise<number> {
  const root = join(dataDir, "blobs");
  let n = 0;
  for (const shard of await readdir(root)) n += (await readdir(join(root, shard))).length;
  return n;
}

export async function countTmpFiles(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, "tmp"))).length;
}

export async function initiate(
  c: GlacierClient,
  vaultName: string,
  partSize: number,
  archiveDescription?: string,
): Promise<string> {
  const out = await c.send(
    new InitiateMultipartUploadCommand({ accountId: "-", vaultName, partSize: String(partSize), archiveDescription }),
  );
  return out.uploadId as string;
}

/** Uploads `data` as parts of `partSize`, all in flight at once, in reverse order. */
export async function uploadAll(
  c: GlacierClient,
  vaultName: string,
  uploadId: string,
  data: Buffer,
  partSize: number,
): Promise<string[]> {
  const starts: number[] = [];
  for (let first = 0; first < data.length; first += partSize) starts.unshift(first);
  const sent = await Promise.all(
    starts.map((first) => {
      const last = Math.min(first + partSize, data.length) - 1;
      return c.send(
        new UploadMultipartPartCommand({
          accountId: "-",
          vaultName,
          uploadId,
          range: range(first, last),
          body: data.subarray(first, last + 1),
        }),
      );
    }),
  );
  return sent.map((r) => r.checksum as string).reverse();
}

export async function complete(c: GlacierClient, vaultName: string, uploadId: string, size: number, checksum: string) {
  return c.send(
    new CompleteMultipartUploadCommand({ accountId: "-", vaultName, uploadId, archiveSize: String(size), checksum }),
  );
}

/** SHA-256 of an archive's bytes as stored: its segments read back in order. */
export async function storedArchiveSha256(svc: Services, archiveId: string): Promise<string> {
  const archive = await svc.store.archives.get(archiveId);
  assert.ok(archive, `archive ${archiveId} not stored`);
  const h = createHash("sha256");
  for (const seg of archive.segments) for await (const chunk of svc.blobs.read(seg.key)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
