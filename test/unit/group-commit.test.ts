import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { GroupCommit } from "../../src/store/sqlite/group-commit.js";

test("group commit: writes of one turn share a transaction; a failing one is rolled back alone", async () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO t (id, v) VALUES (?, ?)");
  const group = new GroupCommit(db);
  const inTx: boolean[] = [];
  const write = (id: number, second: string | null) => () => {
    inTx.push(db.inTransaction);
    insert.run(id, "first statement");
    insert.run(id + 100, second);
  };
  const results = await Promise.allSettled([
    group.run(write(1, "a")),
    group.run(write(2, null)), // NOT NULL: fails at its second statement; its first must not stick
    group.run(write(3, "c")),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.deepEqual(inTx, [true, true, true]);
  assert.deepEqual(
    db
      .prepare("SELECT id FROM t ORDER BY id")
      .all()
      .map((r) => (r as { id: number }).id),
    [1, 3, 101, 103],
  );
  assert.equal(db.inTransaction, false, "committed");
  // A later turn starts a new group.
  await group.run(write(4, "d"));
  assert.equal((db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 6);
  db.close();
});
