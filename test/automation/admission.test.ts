// The operator's admission rule in isolation: what a rerun may resume, and in which mode.
import * as assert from "assert";
import { admitOperator } from "../../automation/admission";
import { interruptHandler } from "../../automation/promote";
import type { AuthorityRecord } from "../../functions/region/authority";
import { Refused } from "../../automation/errors";
import type { StackInfo } from "../../automation/topology";

const target = { stack: "prod-euw1", region: "eu-west-1" } as StackInfo;
const NOW = Date.parse("2026-11-23T03:00:00Z");
const interrupted = (mode: "planned" | "unplanned"): AuthorityRecord =>
  ({
    pk: "authority",
    epoch: 4,
    activeRegion: "eu-west-1",
    previousActiveRegion: "us-east-1",
    phase: "promoting",
    incidentId: `incident-${mode}`,
    mode,
    leaseExpiresAt: NOW - 1,
  }) as unknown as AuthorityRecord;

describe("promote CLI: admission of a rerun", () => {
  it("resumes an interrupted promotion in the mode it was started", () => {
    assert.deepStrictEqual(admitOperator(interrupted("planned"), target, "planned", NOW), {
      kind: "resume",
      incidentId: "incident-planned",
      fromRegion: "us-east-1",
      abandonsPlanned: false,
    });
  });

  it("marks a planned switchover finished as unplanned, so the loss is confirmed first", () => {
    const admission = admitOperator(interrupted("planned"), target, "unplanned", NOW);
    assert.strictEqual(admission.kind === "resume" && admission.abandonsPlanned, true);
  });

  it("refuses to finish an unplanned failover with a planned run (its source may be gone)", () => {
    assert.throws(
      () => admitOperator(interrupted("unplanned"), target, "planned", NOW),
      (e: Error) =>
        e instanceof Refused &&
        /was started as an unplanned failover; a planned switchover cannot finish it/.test(
          e.message,
        ),
    );
  });

  it("refuses while another run holds the lease", () => {
    const held = {
      ...interrupted("unplanned"),
      holder: "orchestrator:x",
      leaseExpiresAt: NOW + 60_000,
    };
    assert.throws(() => admitOperator(held as AuthorityRecord, target, "unplanned", NOW), Refused);
  });
});

describe("promote CLI: interrupted mid-promotion", () => {
  it("gives its own lease back, then exits 130 with the rerun", async () => {
    const released: unknown[] = [];
    const lines: string[] = [];
    const codes: number[] = [];
    const handler = interruptHandler(
      {
        held: { epoch: 5, holder: "operator:ana" },
        releaseLease: async (lease) => released.push(lease),
      },
      (l) => lines.push(l),
      "npm run promote -- planned --to prod-euw1",
      (code) => codes.push(code),
    );
    await handler("SIGINT");
    assert.deepStrictEqual(released, [{ epoch: 5, holder: "operator:ana" }]);
    assert.deepStrictEqual(codes, [130]);
    assert.match(lines.join("\n"), /next: `npm run promote -- planned --to prod-euw1` resumes/);
  });

  it("still exits when the lease cannot be given back, saying it will expire", async () => {
    const lines: string[] = [];
    const codes: number[] = [];
    await interruptHandler(
      {
        held: { epoch: 5, holder: "operator:ana" },
        releaseLease: async () => {
          throw new Error("network down");
        },
      },
      (l) => lines.push(l),
      "rerun",
      (code) => codes.push(code),
    )("SIGTERM");
    assert.deepStrictEqual(codes, [130]);
    assert.match(
      lines.join("\n"),
      /could not give the lease back \(network down\): it expires on its own/,
    );
  });
});
