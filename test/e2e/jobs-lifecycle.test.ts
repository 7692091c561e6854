import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateVaultCommand,
  DeleteArchiveCommand,
  DeleteVaultCommand,
  type GlacierClient,
  ListJobsCommand,
  paginateListJobs,
} from "@aws-sdk/client-glacier";
import { REALISTIC_WINDOWS } from "../../src/core/jobs-timing.js";
import { INLINE_ARCHIVE_MAX } from "../../src/core/limits.js";
import { signedRequest } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  admin,
  D,
  describe_,
  initiate,
  MIB,
  output,
  rejectsWith,
  TestClock,
  treeHash,
  upload,
} from "./jobs-helpers.js";

async function countBlobs(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(join(dir, "blobs"), { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

async function blobExists(dir: string, key: string): Promise<boolean> {
  return (await readdir(join(dir, "blobs", key.slice(0, 2))).catch(() => [] as string[])).includes(key);
}

describe("jobs: state machine, ListJobs, admin (fixed 30 s timing, test clock)", () => {
  let s: TestServer;
  let c: GlacierClient;
  const clock = new TestClock();
  const V = "life";
  const data = D(MIB + 1);
  let archiveId: string;

  before(async () => {
    s = await startTestServer({ jobTiming: 30, jobRetentionSeconds: 120 }, { clock });
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: V }));
    archiveId = await upload(c, V, data, "life");
  });
  after(() => s.stop());

  test("InProgress → Succeeded: fields while running, output refused, completion when due", async () => {
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    const inv = await initiate(c, V, { Type: "inventory-retrieval", InventoryRetrievalParameters: { Limit: "7" } });
    const raw = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${jobId}` });
    const d = raw.json as Record<string, unknown>;
    assert.equal(d.StatusCode, "InProgress");
    assert.equal(d.Completed, false);
    assert.equal(d.CompletionDate, null);
    assert.equal(d.StatusMessage, "Operation in progress.");
    assert.equal(d.SHA256TreeHash, treeHash(data), "populated from the start for a whole-archive job (SPEC §3.27)");
    const di = (await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs/${inv}` })).json as Record<
      string,
      unknown
    >;
    assert.equal(di.InventorySizeInBytes, null);
    assert.deepEqual(di.InventoryRetrievalParameters, {
      EndDate: null,
      Format: "JSON",
      Limit: "7",
      Marker: null,
      StartDate: null,
    });
    for (const id of [jobId, inv]) {
      await rejectsWith(
        output(c, V, id),
        "InvalidParameterValueException",
        `The job is not currently available for download: ${id}`,
        400,
      );
    }
    clock.advance(25_000);
    assert.equal((await describe_(c, V, jobId)).StatusCode, "InProgress");
    clock.advance(6_000);
    const done = await describe_(c, V, jobId);
    assert.equal(done.StatusCode, "Succeeded");
    assert.equal(done.Completed, true);
    assert.ok(done.CompletionDate);
    const { bytes, out } = await output(c, V, jobId);
    assert.ok(bytes.equals(data));
    assert.equal(out.checksum, treeHash(data));
    const invDone = await describe_(c, V, inv);
    assert.equal(invDone.StatusCode, "Succeeded");
    assert.ok((invDone.InventorySizeInBytes ?? 0) > 0);
  });

  test("the background task completes due jobs without any client asking", async () => {
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    clock.advance(31_000);
    await s.scheduler.runAll();
    const stored = await s.svc.store.jobs.get(jobId);
    assert.equal(stored?.status, "Succeeded");
    assert.equal(stored?.completedAt !== null && stored?.completedAt !== undefined, true);
  });

  test("admin: token required; GET jobs lists pending jobs with their due date; complete one, fail one, complete all", async () => {
    const denied = await admin(s, "GET", "jobs", undefined, null);
    assert.equal(denied.status, 403);
    assert.equal((denied.json as { code: string }).code, "AccessDeniedException");
    const wrong = await admin(s, "GET", "jobs", undefined, "not-the-token");
    assert.equal(wrong.status, 403);
    const a = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, Tier: "Bulk" });
    const b = await initiate(c, V, { Type: "inventory-retrieval" });
    const f = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    const list = await admin(s, "GET", "jobs");
    assert.equal(list.status, 200);
    const jobs = (list.json as { Jobs: { JobId: string; DueDate: string; CreationDate: string; StatusCode: string }[] })
      .Jobs;
    assert.deepEqual(
      jobs.map((j) => j.JobId),
      [a, b, f],
    );
    for (const j of jobs) {
      assert.equal(j.StatusCode, "InProgress");
      assert.equal(Date.parse(j.DueDate) - Date.parse(j.CreationDate), 30_000);
    }
    const one = await admin(s, "POST", "jobs/complete", { JobId: a });
    assert.deepEqual(one.json, { Completed: [a] });
    assert.equal((await describe_(c, V, a)).StatusCode, "Succeeded");
    const again = await admin(s, "POST", "jobs/complete", { JobId: a });
    assert.equal(again.status, 400);
    const ghost = await admin(s, "POST", "jobs/complete", { JobId: "nope" });
    assert.equal(ghost.status, 404);
    const failed = await admin(s, "POST", "jobs/complete", {
      JobId: f,
      Status: "Failed",
      StatusMessage: "Simulated failure",
    });
    assert.deepEqual(failed.json, { Completed: [f] });
    const df = await describe_(c, V, f);
    assert.equal(df.StatusCode, "Failed");
    assert.equal(df.Completed, true);
    assert.equal(df.StatusMessage, "Simulated failure");
    await rejectsWith(
      output(c, V, f),
      "InvalidParameterValueException",
      `The job is not currently available for download: ${f}`,
    );
    const all = await admin(s, "POST", "jobs/complete", {});
    assert.deepEqual(all.json, { Completed: [b] });
    assert.deepEqual((await admin(s, "GET", "jobs")).json, { Jobs: [] });
  });

  test("ListJobs: newest first, statuscode and completed filters, limit and marker, exact errors", async () => {
    const listed = await c.send(new ListJobsCommand({ accountId: "-", vaultName: V }));
    const all = listed.JobList ?? [];
    assert.ok(all.length >= 6);
    assert.equal(listed.Marker, undefined);
    const dates = all.map((j) => j.CreationDate as string);
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
    const pending = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    const first = (await c.send(new ListJobsCommand({ accountId: "-", vaultName: V }))).JobList?.[0];
    assert.equal(first?.JobId, pending);
    const by = async (q: { statuscode?: string; completed?: string }) =>
      ((await c.send(new ListJobsCommand({ accountId: "-", vaultName: V, ...q }))).JobList ?? []).map(
        (j) => j.StatusCode,
      );
    assert.deepEqual(await by({ statuscode: "InProgress" }), ["InProgress"]);
    assert.deepEqual(await by({ statuscode: "Failed" }), ["Failed"]);
    assert.ok((await by({ statuscode: "Succeeded" })).every((st) => st === "Succeeded"));
    assert.deepEqual(await by({ completed: "false" }), ["InProgress"]);
    const completed = await by({ completed: "true" });
    assert.equal(completed.length, all.length);
    assert.ok(completed.every((st) => st !== "InProgress"));
    assert.deepEqual(await by({ completed: "true", statuscode: "InProgress" }), []);
    // Pagination: two at a time, every job once, in the same order.
    const pages: string[][] = [];
    for await (const page of paginateListJobs({ client: c, pageSize: 2 }, { accountId: "-", vaultName: V })) {
      pages.push((page.JobList ?? []).map((j) => j.JobId as string));
    }
    assert.ok(pages.slice(0, -1).every((p) => p.length === 2));
    const everything = (await c.send(new ListJobsCommand({ accountId: "-", vaultName: V }))).JobList?.map(
      (j) => j.JobId,
    );
    assert.deepEqual(pages.flat(), everything);
    const capped = await signedRequest(s.url, { method: "GET", path: `/-/vaults/${V}/jobs`, query: { limit: "1000" } });
    assert.equal(capped.status, 200);
    await rejectsWith(
      c.send(new ListJobsCommand({ accountId: "-", vaultName: V, statuscode: "Done" })),
      "InvalidParameterValueException",
      "The job status code is not valid: Done",
      400,
    );
    await rejectsWith(
      c.send(new ListJobsCommand({ accountId: "-", vaultName: V, completed: "yes" })),
      "InvalidParameterValueException",
      /completed: yes/,
    );
    await rejectsWith(
      c.send(new ListJobsCommand({ accountId: "-", vaultName: V, marker: "bad!" })),
      "InvalidParameterValueException",
      /marker/,
    );
    await rejectsWith(
      c.send(new ListJobsCommand({ accountId: "-", vaultName: V, limit: 0 })),
      "InvalidParameterValueException",
    );
    await rejectsWith(
      c.send(new ListJobsCommand({ accountId: "-", vaultName: "ghost" })),
      "ResourceNotFoundException",
      /Vault not found for ARN/,
    );
  });

  test("expiry: retention after completion, then RNF everywhere and blob references released", async () => {
    const body = D(2 * MIB, 9);
    const id = await upload(c, V, body);
    const key = (await s.svc.store.archives.get(id))?.segments[0]?.key as string;
    const jobId = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: id });
    await admin(s, "POST", "jobs/complete", { JobId: jobId });
    await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: V, archiveId: id }));
    await s.scheduler.runAll();
    assert.ok(await blobExists(s.dataDir, key), "held by the job");
    assert.ok((await output(c, V, jobId)).bytes.equals(body));
    clock.advance(115_000);
    assert.equal((await describe_(c, V, jobId)).StatusCode, "Succeeded");
    clock.advance(6_000);
    const gone = `The job ID was not found: ${jobId}`;
    await rejectsWith(describe_(c, V, jobId), "ResourceNotFoundException", gone, 404);
    await rejectsWith(output(c, V, jobId), "ResourceNotFoundException", gone, 404);
    const ids = ((await c.send(new ListJobsCommand({ accountId: "-", vaultName: V }))).JobList ?? []).map(
      (j) => j.JobId,
    );
    assert.ok(!ids.includes(jobId));
    await s.scheduler.runAll(); // expire (release), then reap the now-unreferenced blob
    await s.scheduler.runAll();
    assert.equal(await s.svc.store.jobs.get(jobId), undefined);
    assert.equal(await blobExists(s.dataDir, key), false, "the deleted archive's blob is reclaimed");
    assert.equal(await s.svc.store.blobs.known(key), false);
  });

  test("DeleteVault removes the vault's jobs and releases what they held", async () => {
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "doomed" }));
    const body = D(INLINE_ARCHIVE_MAX + 1234, 5);
    const id = await upload(c, "doomed", body);
    const small = D(1234, 6);
    const smallId = await upload(c, "doomed", small);
    const smallKey = (await s.svc.store.archives.get(smallId))?.segments[0]?.key as string;
    assert.ok(await s.svc.store.blobs.inline(smallKey), "kept in the database");
    const jobId = await initiate(c, "doomed", { Type: "archive-retrieval", ArchiveId: id });
    const smallJob = await initiate(c, "doomed", { Type: "archive-retrieval", ArchiveId: smallId });
    const inv = await initiate(c, "doomed", { Type: "inventory-retrieval" });
    await admin(s, "POST", "jobs/complete", {});
    for (const archiveId of [id, smallId]) {
      await c.send(new DeleteArchiveCommand({ accountId: "-", vaultName: "doomed", archiveId }));
    }
    await s.scheduler.runAll();
    assert.ok((await output(c, "doomed", smallJob)).bytes.equals(small), "the job still holds the small archive");
    const before_ = await countBlobs(s.dataDir);
    await c.send(new DeleteVaultCommand({ accountId: "-", vaultName: "doomed" }));
    assert.equal(await s.svc.store.jobs.get(jobId), undefined);
    assert.equal(await s.svc.store.jobs.get(inv), undefined);
    await s.scheduler.runAll();
    assert.equal(await countBlobs(s.dataDir), before_ - 2, "archive blob and inventory blob reclaimed");
    assert.equal(await s.svc.store.blobs.inline(smallKey), undefined, "the small archive's bytes reclaimed");
  });
});

describe("jobs: realistic timing with a time warp", () => {
  let s: TestServer;
  let c: GlacierClient;
  before(async () => {
    s = await startTestServer({ jobTiming: "realistic", timeWarp: 3600 });
    // Only lazy completion here: the background task could finish Expedited before it is listed.
    await s.scheduler.stop();
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: "r" }));
  });
  after(() => s.stop());

  test("each tier falls due inside its AWS window divided by the warp; Expedited completes in well under a second", async () => {
    const id = await upload(c, "r", D(100));
    const jobs: [string, [number, number]][] = [];
    for (const tier of ["Expedited", "Standard", "Bulk"] as const) {
      jobs.push([
        await initiate(c, "r", { Type: "archive-retrieval", ArchiveId: id, Tier: tier }),
        REALISTIC_WINDOWS[tier] as [number, number],
      ]);
    }
    jobs.push([
      await initiate(c, "r", { Type: "inventory-retrieval" }),
      REALISTIC_WINDOWS.Inventory as [number, number],
    ]);
    const pending = (await admin(s, "GET", "jobs")).json as {
      Jobs: { JobId: string; DueDate: string; CreationDate: string }[];
    };
    for (const [jobId, [lo, hi]] of jobs) {
      const j = pending.Jobs.find((p) => p.JobId === jobId);
      assert.ok(j, jobId);
      const delay = Date.parse(j.DueDate) - Date.parse(j.CreationDate);
      assert.ok(
        delay >= Math.floor(lo / 3600) && delay <= Math.ceil(hi / 3600),
        `${delay} ms in [${lo / 3600}, ${hi / 3600}]`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await describe_(c, "r", jobs[0]?.[0] as string)).StatusCode, "Succeeded");
    assert.equal((await describe_(c, "r", jobs[2]?.[0] as string)).StatusCode, "InProgress", "Bulk takes 5 s or more");
  });
});

describe("jobs: a restart in the middle of pending jobs", () => {
  test("pending jobs are rows: after a restart they keep their due time and complete with correct output", async () => {
    const clock = new TestClock();
    const dataDir = await mkdtemp(join(tmpdir(), "permafrost-jobs-restart-"));
    const s1 = await startTestServer({ jobTiming: 20 }, { clock, dataDir });
    const c1 = s1.client();
    await c1.send(new CreateVaultCommand({ accountId: "-", vaultName: "rs" }));
    const body = D(2 * MIB + 3, 1);
    const id = await upload(c1, "rs", body, "restart me");
    const jobId = await initiate(c1, "rs", {
      Type: "archive-retrieval",
      ArchiveId: id,
      RetrievalByteRange: `${MIB}-${2 * MIB - 1}`,
    });
    const inv = await initiate(c1, "rs", { Type: "inventory-retrieval", Format: "CSV" });
    await s1.stop();
    // A new process on the same data folder, now configured for instant jobs: existing jobs keep their due time.
    const s2 = await startTestServer({ jobTiming: "instant" }, { clock, dataDir });
    try {
      const c2 = s2.client();
      assert.equal((await describe_(c2, "rs", jobId)).StatusCode, "InProgress");
      clock.advance(21_000);
      const d = await describe_(c2, "rs", jobId);
      assert.equal(d.StatusCode, "Succeeded");
      assert.equal(d.SHA256TreeHash, treeHash(body.subarray(MIB, 2 * MIB)));
      const { bytes, out } = await output(c2, "rs", jobId);
      assert.ok(bytes.equals(body.subarray(MIB, 2 * MIB)));
      assert.equal(out.checksum, treeHash(bytes));
      assert.equal(out.archiveDescription, "restart me");
      const csv = (await output(c2, "rs", inv)).bytes.toString("utf8");
      assert.ok(csv.startsWith("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"));
      assert.ok(csv.includes(`${id},restart me,`));
      // A job started after the restart follows the new (instant) policy.
      const fresh = await initiate(c2, "rs", { Type: "archive-retrieval", ArchiveId: id });
      assert.equal((await describe_(c2, "rs", fresh)).StatusCode, "Succeeded");
    } finally {
      await s2.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
