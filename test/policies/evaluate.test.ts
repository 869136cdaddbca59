import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { PlannedResource } from "../../plan/runProgram";
import { evaluatePolicies } from "../../policies/evaluate";
import { rdsInstanceMultiAz } from "../../policies/rules/multiAz";
import { database, homeStack, standbyStack } from "./fixtures";
import { Declared, descriptionOf } from "./util";

const prod = require("../../policies/prod.json");

function planned(resources: Declared[]): PlannedResource[] {
  return resources.map((r) => {
    const d = descriptionOf(r);
    return {
      urn: d.urn,
      type: d.type,
      name: d.name,
      parent: d.parent,
      custom: true,
      inputs: d.props,
      protect: d.protect ?? false,
      ignoreChanges: d.ignoreChanges ?? [],
      dependencies: d.dependencies ?? [],
      propertyDependencies: d.propertyDependencies ?? {},
      aliases: [],
    };
  });
}

const singleDb = (props: object) =>
  planned([{ cls: aws.rds.Instance, name: "db", props, protect: true }]);
const DB_URN = "urn:pulumi:test::magento-dr::aws:rds/instance:Instance::db";

// The one setting without a default: which regions the standby stacks run in.
const STANDBY = { "dr-replication-targets-standby": { standbyRegions: ["eu-west-1"] } };

describe("policies: offline evaluator", () => {
  it("finds nothing to report on the compliant home and standby stacks, even with prod.json", () => {
    for (const stack of [homeStack(), standbyStack()]) {
      assert.deepStrictEqual(evaluatePolicies(planned(stack), { config: STANDBY }).violations, []);
      assert.deepStrictEqual(evaluatePolicies(planned(stack), { config: prod }).violations, []);
    }
  });

  it("reads the same compliant stacks through the preview proxy without tripping on it", () => {
    for (const stack of [homeStack(), standbyStack()]) {
      const options = { dryRun: true, config: STANDBY };
      assert.deepStrictEqual(evaluatePolicies(planned(stack), options).violations, []);
    }
  });

  it("lists every policy at its default level, advisory", () => {
    const { policies } = evaluatePolicies([]);
    assert.ok(policies.length >= 35);
    assert.ok(policies.every((p) => p.enforcementLevel === "advisory"));
  });

  it("reports a violation at the default level, on the resource's URN", () => {
    const { violations } = evaluatePolicies(singleDb({ ...database, multiAz: false }));
    assert.deepStrictEqual(violations, [
      {
        policy: "rds-instance-multi-az",
        enforcementLevel: "advisory",
        urn: DB_URN,
        message:
          'rds.Instance "db" must run Multi-AZ, but multiAz is false. Set multiAz: true so RDS keeps a synchronous standby in another AZ (a promoted replica needs one too).',
      },
    ]);
  });

  it("raises a policy to mandatory through config", () => {
    const config = { "rds-instance-multi-az": { enforcementLevel: "mandatory" } };
    const result = evaluatePolicies(singleDb({ ...database, multiAz: false }), { config });
    assert.strictEqual(result.violations[0].enforcementLevel, "mandatory");
    assert.strictEqual(
      result.policies.find((p) => p.name === "rds-instance-multi-az")!.enforcementLevel,
      "mandatory",
    );
  });

  it("accepts the shorthand level and the pack-wide `all`, a policy's own entry winning", () => {
    const config = { all: "mandatory", "rds-instance-multi-az": "advisory" };
    const { policies } = evaluatePolicies([], { config });
    assert.strictEqual(
      policies.find((p) => p.name === "rds-instance-multi-az")!.enforcementLevel,
      "advisory",
    );
    assert.strictEqual(
      policies.find((p) => p.name === "efs-encrypted")!.enforcementLevel,
      "mandatory",
    );
  });

  it("skips a disabled policy and lists it as disabled", () => {
    const config = { "rds-instance-multi-az": { enforcementLevel: "disabled" } };
    const result = evaluatePolicies(singleDb({ ...database, multiAz: false }), { config });
    assert.deepStrictEqual(result.violations, []);
    assert.strictEqual(
      result.policies.find((p) => p.name === "rds-instance-multi-az")!.enforcementLevel,
      "disabled",
    );
  });

  it("reports a remediate-level policy as mandatory, as the server does", () => {
    const config = { "rds-instance-multi-az": "remediate" };
    const result = evaluatePolicies(singleDb({ ...database, multiAz: false }), { config });
    assert.strictEqual(result.violations[0].enforcementLevel, "mandatory");
  });

  it("merges configured settings over the schema defaults", () => {
    const config = { "rds-instance-backup-retention": { minimumDays: 14 } };
    const { violations } = evaluatePolicies(singleDb(database), { config });
    assert.deepStrictEqual(
      violations.map((v) => v.message.split(",")[0]),
      ['rds.Instance "db" must keep automated backups for at least 14 days'],
    );
  });

  it("rejects config naming an unknown policy, an unknown setting, a wrong type or level", () => {
    assert.throws(
      () => evaluatePolicies([], { config: { "rds-multi-az": "mandatory" } }),
      /unknown policy "rds-multi-az"/,
    );
    assert.throws(
      () => evaluatePolicies([], { config: { "rds-instance-backup-retention": { minDays: 3 } } }),
      /unknown setting "minDays" \(it takes minimumDays\)/,
    );
    assert.throws(
      () =>
        evaluatePolicies([], { config: { "rds-instance-backup-retention": { minimumDays: "7" } } }),
      /"7" is not of type integer/,
    );
    assert.throws(
      () => evaluatePolicies([], { config: { "efs-encrypted": "strict" } }),
      /"strict" is not one of/,
    );
  });

  it("files stack-wide findings on the stack's URN", () => {
    const { violations } = evaluatePolicies(
      planned(standbyStack().filter((r) => r.name !== "standby-orchestrator")),
      {
        policies: [
          require("../../policies/rules/standby").drStandbyStackComplete as StackValidationPolicy,
        ],
      },
    );
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      ["urn:pulumi:test::magento-dr::pulumi:pulumi:Stack::magento-dr-test"],
    );
  });

  it("unwraps secrets as the policy server does", () => {
    const secret = { [specialSigKey]: specialSecretSig, value: true };
    const { violations } = evaluatePolicies(singleDb({ ...database, multiAz: secret }), {
      policies: [rdsInstanceMultiAz],
    });
    assert.deepStrictEqual(violations, []);
  });

  it("reports an unknown marker even outside a dry run, rather than dropping it", () => {
    const { violations } = evaluatePolicies(singleDb({ ...database, multiAz: pulumi.unknown }), {
      policies: [rdsInstanceMultiAz],
    });
    assert.match(violations[0].message, /multiAz is unknown during preview/);
  });

  describe("dry run", () => {
    it("hands the runtime's unknown values to rules as the engine does, so they are reported", () => {
      const { violations } = evaluatePolicies(singleDb({ ...database, multiAz: pulumi.unknown }), {
        dryRun: true,
        policies: [rdsInstanceMultiAz],
      });
      assert.strictEqual(violations.length, 1);
      assert.match(violations[0].message, /multiAz is unknown during preview/);
    });

    it("keeps a rule that trips over an unknown at its level instead of downgrading it", () => {
      const naive = {
        name: "naive",
        description: "Reads props without known().",
        enforcementLevel: "mandatory" as const,
        validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
          if (db.multiAz !== true) report("not Multi-AZ");
        }),
      };
      const { violations } = evaluatePolicies(singleDb({ ...database, multiAz: pulumi.unknown }), {
        dryRun: true,
        policies: [naive],
      });
      assert.deepStrictEqual(
        violations.map((v) => [v.enforcementLevel, v.message]),
        [
          [
            "mandatory",
            "cannot run policy naive during preview: string value at .multiAz can't be known during preview",
          ],
        ],
      );
    });
  });

  it("refuses an asynchronous validation rather than dropping its result", () => {
    const slow = {
      name: "slow",
      description: "Validates asynchronously.",
      validateResource: async () => undefined,
    };
    assert.throws(
      () => evaluatePolicies(singleDb(database), { policies: [slow] }),
      /synchronous validations only/,
    );
  });
});
