/**
 * Small archives kept inside the database: the bytes of a blob too small to be worth a file of its
 * own. They are written in the same transaction as the archive that references them (one durable
 * commit instead of a file, its fsync, a rename and a directory fsync), and they go when the
 * ledger forgets the blob.
 */
export const inlineBlobsSchema = `
CREATE TABLE inline_blobs (
  key TEXT PRIMARY KEY REFERENCES blobs(key) ON DELETE CASCADE,
  data BLOB NOT NULL
);
`;
