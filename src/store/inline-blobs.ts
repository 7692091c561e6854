import { Readable } from "node:stream";
import type { BlobStore, BlobWriter, ByteRange, StagedBlob, StageOptions } from "./blob.js";
import type { BlobLedger } from "./types.js";

/**
 * The blob store the API sees: blobs kept inline in the metadata store (small archives, written
 * with their archive's row; see ArchiveStore.insert) are read from there, everything else from the
 * blob store underneath. Writing inline blobs is not this class's business: they become durable
 * only with the metadata transaction that references them.
 */
export class WithInlineBlobs implements BlobStore {
  constructor(
    private readonly files: BlobStore,
    private readonly ledger: Pick<BlobLedger, "inline">,
  ) {}

  create(): Promise<BlobWriter> {
    return this.files.create();
  }

  stage(source: AsyncIterable<Buffer>, opts?: StageOptions): Promise<StagedBlob> {
    return this.files.stage(source, opts);
  }

  read(key: string, range?: ByteRange): Readable {
    const { files, ledger } = this;
    return Readable.from(
      (async function* () {
        const data = await ledger.inline(key);
        if (data === undefined) {
          // for-await closes the file stream if the consumer stops early.
          for await (const chunk of files.read(key, range)) yield chunk as Buffer;
          return;
        }
        const bytes = range ? data.subarray(range.start, range.end + 1) : data;
        if (bytes.length > 0) yield bytes;
      })(),
      { objectMode: false },
    );
  }

  /** An inline blob's bytes go with its ledger row (BlobLedger.forget); only files are deleted here. */
  delete(key: string): Promise<void> {
    return this.files.delete(key);
  }

  list(): AsyncIterable<{ key: string; mtimeMs: number }> {
    return this.files.list();
  }

  recover(): Promise<void> {
    return this.files.recover();
  }

  close(): Promise<void> {
    return this.files.close();
  }
}
