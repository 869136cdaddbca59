// Whether us-east-1's control planes answer (automation/controlPlanes.ts): the verdict from each
// front door's HTTP status, and the real probe against HTTP servers on 127.0.0.1 (an answer, a
// server that never answers, nothing listening).
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  CONTROL_PLANES,
  controlPlanesAnswer,
  fetchStatus,
  type StatusProbe,
} from "../../automation/controlPlanes";

const byUrl =
  (answers: Record<string, { status?: number; error?: string }>): StatusProbe =>
  async (url) =>
    answers[url];

const IAM = "https://iam.amazonaws.com/";
const ROUTE53 = "https://route53.amazonaws.com/2013-04-01/hostedzonecount";

describe("promote CLI: us-east-1's control planes", () => {
  it("probes IAM's and Route 53's front doors", () => {
    assert.deepEqual(
      CONTROL_PLANES.map((p) => [p.name, p.url]),
      [
        ["IAM", IAM],
        ["Route 53", ROUTE53],
      ],
    );
  });

  it("answering only when both give an HTTP status below 500", async () => {
    assert.deepEqual(
      await controlPlanesAnswer(byUrl({ [IAM]: { status: 403 }, [ROUTE53]: { status: 499 } })),
      { answering: true, details: ["IAM: HTTP 403", "Route 53: HTTP 499"] },
    );
    assert.deepEqual(
      await controlPlanesAnswer(byUrl({ [IAM]: { status: 403 }, [ROUTE53]: { status: 500 } })),
      { answering: false, details: ["IAM: HTTP 403", "Route 53: HTTP 500"] },
    );
    assert.deepEqual(
      await controlPlanesAnswer(
        byUrl({ [IAM]: { error: "no answer within 5000 ms" }, [ROUTE53]: { status: 403 } }),
      ),
      { answering: false, details: ["IAM: no answer within 5000 ms", "Route 53: HTTP 403"] },
    );
  });

  describe("the real probe", () => {
    let server: http.Server;
    let base: string;
    const hung: http.ServerResponse[] = [];
    before(async () => {
      server = http.createServer((req, res) => {
        if (req.url === "/hang") hung.push(res);
        else res.writeHead(403).end("unauthenticated");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const res of hung) res.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it("an HTTP status, a timeout named with its bound, a connection error", async () => {
      const probe = fetchStatus(300);
      assert.deepEqual(await probe(`${base}/`), { status: 403 });
      const started = Date.now();
      assert.deepEqual(await probe(`${base}/hang`), { error: "no answer within 300 ms" });
      assert.ok(Date.now() - started < 3_000, "bounded by the timeout");
      // A port nothing listens on: the error, not a status.
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const refused = await probe(`http://127.0.0.1:${port}/`);
      assert.equal(refused.status, undefined);
      assert.match(String(refused.error), /fetch failed/);
    });
  });
});
