import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { replicationTargetsStandby } from "../../policies/rules/replicationRegion";
import { listStacks, PROJECT_DIR, readStackConfig } from "../../plan/stackConfig";
import { sessionsTable } from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

const STANDBY = { standbyRegions: ["eu-west-1"] };
const replica = { regionName: "eu-west-1", pointInTimeRecovery: true };
const replication = { sourceFileSystemId: "fs-1", destination: { region: "eu-west-1" } };

describe("policies: replication region", () => {
  describe("dr-replication-targets-standby", () => {
    it("passes a table replica and an EFS replication in the standby region", () => {
      const table = { ...sessionsTable, replicas: [replica] };
      assertNoViolations(check(replicationTargetsStandby, aws.dynamodb.Table, table, STANDBY));
      assertNoViolations(
        check(replicationTargetsStandby, aws.efs.ReplicationConfiguration, replication, STANDBY),
      );
    });

    it("flags a table replica in a region no standby runs in", () => {
      const table = { ...sessionsTable, replicas: [{ ...replica, regionName: "us-west-2" }] };
      assertViolation(check(replicationTargetsStandby, aws.dynamodb.Table, table, STANDBY), [
        "must replicate to a standby region",
        'replicas[0].regionName is "us-west-2"',
      ]);
    });

    it("flags EFS replication to a region no standby runs in", () => {
      const props = { ...replication, destination: { region: "us-east-1" } };
      assertViolation(
        check(replicationTargetsStandby, aws.efs.ReplicationConfiguration, props, STANDBY),
        ['destination.region is "us-east-1"'],
      );
    });

    it("does not pass anything when standbyRegions is not configured", () => {
      assertViolation(
        check(replicationTargetsStandby, aws.efs.ReplicationConfiguration, replication),
        ["the policy's standbyRegions is not configured"],
      );
    });

    it("does not let a region unknown during preview pass", () => {
      const table = preview({ ...sessionsTable, replicas: [{ ...replica, regionName: U }] });
      assertUnverifiable(
        check(replicationTargetsStandby, aws.dynamodb.Table, table, STANDBY),
        "replicas[0].regionName",
      );
      const props = preview({ ...replication, destination: { region: U } });
      assertUnverifiable(
        check(replicationTargetsStandby, aws.efs.ReplicationConfiguration, props, STANDBY),
        "destination.region",
      );
    });
  });

  it("policies/prod.json names exactly the regions of the standby stack files", () => {
    const pack = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies/prod.json"), "utf8"));
    const standbyRegions = listStacks()
      .map((stack) => readStackConfig(stack).config)
      .filter((config) => (config["magento-dr:homeStack"] ?? "") !== "")
      .map((config) => config["aws:region"])
      .sort();
    assert.ok(standbyRegions.length > 0, "no stack file sets magento-dr:homeStack");
    assert.deepStrictEqual(
      [...pack["dr-replication-targets-standby"].standbyRegions].sort(),
      standbyRegions,
    );
  });
});
