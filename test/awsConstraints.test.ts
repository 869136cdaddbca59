// Create-time rules AWS enforces that Pulumi's mocks would accept: each is cited where the
// program obeys it.
import * as assert from "assert";
import { KNOWN_REGIONS, parseConfig } from "../config";
import {
  albLogWriter,
  LEGACY_ELB_ACCOUNT_REGIONS,
  LOG_DELIVERY_PRINCIPAL,
} from "../components/albLogDelivery";
import { readStackConfig } from "../plan/stackConfig";
import { planOf } from "./helpers/plan";

describe("AWS create-time constraints", () => {
  describe("ALB access-log bucket policy", () => {
    it("grants the legacy ELB account where one exists, the log delivery principal elsewhere", () => {
      assert.deepStrictEqual(albLogWriter("us-east-1"), { kind: "elb-account" });
      // Zurich and Spain opened in November 2022: no Elastic Load Balancing account there.
      for (const region of ["eu-central-2", "eu-south-2"]) {
        assert.deepStrictEqual(albLogWriter(region), {
          kind: "service",
          service: LOG_DELIVERY_PRINCIPAL,
        });
      }
      const newer = KNOWN_REGIONS.filter((r) => !LEGACY_ELB_ACCOUNT_REGIONS.has(r));
      assert.deepStrictEqual(newer, ["eu-central-2", "eu-south-2"]);
    });

    it("prod-use1's bucket policy names the ELB account for us-east-1", async () => {
      const plan = await planOf("prod-use1");
      const policy = plan.run.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy")!;
      const doc = JSON.parse(policy.inputs.policy);
      const logs = doc.Statement.find((s: { Sid: string }) => s.Sid === "AlbAccessLogs");
      assert.deepStrictEqual(logs.Principal, { AWS: "arn:aws:iam::127311923021:root" });
    });
  });

  describe("MySQL version", () => {
    const config = (version?: string) => {
      const { config: raw } = readStackConfig(
        "prod-use1",
        version ? [`dbEngineVersion=${version}`] : [],
      );
      return parseConfig(raw, "magento-dr", "prod-use1");
    };

    it("defaults to 8.4 (LTS) without a warning", () => {
      const c = config();
      assert.strictEqual(c.dbEngineVersion, "8.4");
      assert.deepStrictEqual(c.warnings, []);
    });

    it("accepts 8.0 only with a warning about paid Extended Support", () => {
      const c = config("8.0.39");
      assert.strictEqual(c.dbEngineVersion, "8.0.39");
      assert.deepStrictEqual(c.warnings, [
        'magento-dr:dbEngineVersion = "8.0.39": MySQL 8.0 left RDS standard support on ' +
          "2026-07-31; a new instance runs in paid RDS Extended Support. Use 8.4 (LTS) unless " +
          "something pins 8.0.",
      ]);
    });

    it("refuses other versions", () => {
      assert.throws(
        () => config("5.7"),
        /magento-dr:dbEngineVersion = "5.7": expected MySQL "8.4"/,
      );
    });
  });
});
