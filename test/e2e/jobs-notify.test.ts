import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateVaultCommand, type GlacierClient, SetVaultNotificationsCommand } from "@aws-sdk/client-glacier";
import { signedRequest } from "../helpers/raw.js";
import { ACCOUNT_A, startTestServer, type TestServer } from "../helpers/server.js";
import { admin, D, describe_, initiate, TestClock, upload } from "./jobs-helpers.js";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver; `/flaky` answers 500 twice, then 204. */
class Receiver {
  readonly got: Received[] = [];
  private flakyFailures = 0;
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.got.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        if (req.url === "/flaky" && this.flakyFailures < 2) {
          this.flakyFailures += 1;
          res.writeHead(500).end("try later");
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Received[] {
    return this.got.filter((g) => g.path === path);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const topic = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT_A}:${name}`;

async function describeText(s: TestServer, vault: string, jobId: string): Promise<string> {
  return (await signedRequest(s.url, { method: "GET", path: `/-/vaults/${vault}/jobs/${jobId}` })).text;
}

async function outbox(s: TestServer, state?: string) {
  const r = await admin(s, "GET", `notifications${state ? `?state=${state}` : ""}`);
  return (
    r.json as {
      Notifications: {
        JobId: string;
        Topic: string;
        State: string;
        Attempts: number;
        NextAttemptDate: string;
        LastError: string | null;
      }[];
    }
  ).Notifications;
}

describe("jobs: notifications (webhook stand-in for SNS)", () => {
  const rx = new Receiver();
  const clock = new TestClock();
  let s: TestServer;
  let c: GlacierClient;
  const V = "notify";
  let archiveId: string;

  before(async () => {
    await rx.start();
    s = await startTestServer(
      {
        notificationTargets: {
          [topic("restores")]: `${rx.url}/ok`,
          [topic("flaky")]: `${rx.url}/flaky`,
          [topic("vault-events")]: `${rx.url}/vault`,
        },
      },
      { clock },
    );
    // Deterministic: background ticks off, the test runs the tasks itself.
    await s.scheduler.stop();
    c = s.client();
    await c.send(new CreateVaultCommand({ accountId: "-", vaultName: V }));
    archiveId = await upload(c, V, D(4096), "notify me");
  });
  after(async () => {
    await s.stop();
    await rx.stop();
  });

  test("a job's SNSTopic gets exactly the DescribeJob document once the job completes", async () => {
    const jobId = await initiate(c, V, {
      Type: "archive-retrieval",
      ArchiveId: archiveId,
      SNSTopic: topic("restores"),
    });
    await s.scheduler.runAll();
    const msgs = rx.on("/ok").filter((m) => m.body.includes(jobId));
    assert.equal(msgs.length, 1);
    const m = msgs[0] as Received;
    assert.equal(m.body, await describeText(s, V, jobId), "byte-for-byte the DescribeJob JSON");
    assert.equal(m.headers["content-type"], "application/json");
    assert.equal(m.headers["x-amz-sns-topic-arn"], topic("restores"));
    assert.equal(m.headers["x-amz-sns-message-type"], "Notification");
    const body = JSON.parse(m.body) as Record<string, unknown>;
    assert.equal(body.StatusCode, "Succeeded");
    assert.equal(body.SNSTopic, topic("restores"));
    await s.scheduler.runAll();
    assert.equal(rx.on("/ok").filter((x) => x.body.includes(jobId)).length, 1, "delivered once, not again");
    assert.ok((await outbox(s, "delivered")).some((n) => n.JobId === jobId && n.Attempts === 1));
  });

  test("a receiver that fails twice: retried with back-off, delivered on the third attempt; the job never waits", async () => {
    const jobId = await initiate(c, V, { Type: "inventory-retrieval", SNSTopic: topic("flaky") });
    assert.equal((await describe_(c, V, jobId)).StatusCode, "Succeeded", "completion does not wait for delivery");
    await s.scheduler.runAll();
    assert.equal(rx.on("/flaky").length, 1);
    let [row] = (await outbox(s)).filter((n) => n.JobId === jobId);
    assert.equal(row?.State, "pending");
    assert.equal(row?.Attempts, 1);
    assert.equal(row?.LastError, "HTTP 500");
    assert.ok(Date.parse(row?.NextAttemptDate ?? "") > clock.now(), "next attempt scheduled in the future");
    await s.scheduler.runAll();
    assert.equal(rx.on("/flaky").length, 1, "back-off respected");
    clock.advance(1_100);
    await s.scheduler.runAll();
    assert.equal(rx.on("/flaky").length, 2);
    clock.advance(500);
    await s.scheduler.runAll();
    assert.equal(rx.on("/flaky").length, 2, "second back-off is 2 s");
    clock.advance(1_600);
    await s.scheduler.runAll();
    const got = rx.on("/flaky");
    assert.equal(got.length, 3);
    assert.deepEqual(
      got.map((g) => g.headers["x-permafrost-delivery-attempt"]),
      ["1", "2", "3"],
    );
    assert.ok(got.every((g) => g.body === got[0]?.body));
    assert.equal(got[2]?.body, await describeText(s, V, jobId));
    [row] = (await outbox(s)).filter((n) => n.JobId === jobId);
    assert.equal(row?.State, "delivered");
    assert.equal(row?.Attempts, 3);
  });

  test("the vault's notification configuration: its events only; with a job topic both get a message", async () => {
    await c.send(
      new SetVaultNotificationsCommand({
        accountId: "-",
        vaultName: V,
        vaultNotificationConfig: { SNSTopic: topic("vault-events"), Events: ["ArchiveRetrievalCompleted"] },
      }),
    );
    const plain = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId });
    const inv = await initiate(c, V, { Type: "inventory-retrieval" });
    const both = await initiate(c, V, { Type: "archive-retrieval", ArchiveId: archiveId, SNSTopic: topic("restores") });
    await s.scheduler.runAll();
    const vaultMsgs = rx.on("/vault").map((m) => JSON.parse(m.body) as { JobId: string });
    assert.deepEqual(
      vaultMsgs.map((m) => m.JobId).sort(),
      [plain, both].sort(),
      "InventoryRetrievalCompleted is not configured",
    );
    assert.ok(!rx.got.some((m) => m.body.includes(inv)));
    const jobMsg = rx.on("/ok").find((m) => m.body.includes(both));
    assert.equal(jobMsg?.body, await describeText(s, V, both));
    assert.equal(
      rx.on("/vault").find((m) => m.body.includes(both))?.headers["x-amz-sns-topic-arn"],
      topic("vault-events"),
    );
  });

  test("failed jobs notify too; a topic without a target is given up at once", async () => {
    const slow = await startTestServer({ jobTiming: 60, notificationTargets: { [topic("restores")]: `${rx.url}/ok` } });
    try {
      await slow.scheduler.stop();
      const sc = slow.client();
      await sc.send(new CreateVaultCommand({ accountId: "-", vaultName: "f" }));
      const id = await upload(sc, "f", D(10));
      const failing = await initiate(sc, "f", {
        Type: "archive-retrieval",
        ArchiveId: id,
        SNSTopic: topic("restores"),
      });
      const orphan = await initiate(sc, "f", {
        Type: "archive-retrieval",
        ArchiveId: id,
        SNSTopic: topic("nobody-listens"),
      });
      await admin(slow, "POST", "jobs/complete", {
        JobId: failing,
        Status: "Failed",
        StatusMessage: "Simulated failure",
      });
      await admin(slow, "POST", "jobs/complete", { JobId: orphan });
      await slow.scheduler.runAll();
      const msg = rx.on("/ok").find((m) => m.body.includes(failing));
      const body = JSON.parse(msg?.body ?? "{}") as Record<string, unknown>;
      assert.equal(body.StatusCode, "Failed");
      assert.equal(body.Completed, true);
      assert.equal(body.StatusMessage, "Simulated failure");
      const failed = await outbox(slow, "failed");
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.JobId, orphan);
      assert.match(failed[0]?.LastError ?? "", /no notification target/);
    } finally {
      await slow.stop();
    }
  });
});

describe("jobs: the notification outbox is durable", () => {
  test("a notification queued while the receiver is down is delivered after a restart", async () => {
    const rx = new Receiver();
    await rx.start();
    const dataDir = await mkdtemp(join(tmpdir(), "permafrost-outbox-"));
    const t = topic("restores");
    // First life: the target is a closed port, so the attempt fails and the row stays pending.
    const s1 = await startTestServer({ notificationTargets: { [t]: "http://127.0.0.1:9/closed" } }, { dataDir });
    await s1.scheduler.stop();
    const c1 = s1.client();
    await c1.send(new CreateVaultCommand({ accountId: "-", vaultName: "d" }));
    const id = await upload(c1, "d", D(10));
    const jobId = await initiate(c1, "d", { Type: "archive-retrieval", ArchiveId: id, SNSTopic: t });
    await describe_(c1, "d", jobId);
    await s1.scheduler.runAll();
    const pending = await outbox(s1, "pending");
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.Attempts, 1);
    await s1.stop();
    const s2 = await startTestServer({ notificationTargets: { [t]: `${rx.url}/ok` } }, { dataDir });
    try {
      await s2.scheduler.stop();
      const r = await admin(s2, "POST", "notifications/deliver");
      assert.deepEqual(r.json, { Attempted: 1 });
      const got = rx.on("/ok");
      assert.equal(got.length, 1);
      assert.equal(got[0]?.body, await describeText(s2, "d", jobId));
    } finally {
      await s2.stop();
      await rx.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
