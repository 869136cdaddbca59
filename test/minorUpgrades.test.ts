// What automatic minor-version upgrades do: nothing. An automatic upgrade of the Multi-AZ
// database ("several minutes") or of a cache node is an in-region outage of the deep signal at
// a time nobody chose; the detector would page for it and, past the dwell, could count it. So
// both stacks turn them off, and operators upgrade inside an operator hold (docs/detection.md).
import * as assert from "assert";
import { ofType, planOf } from "./helpers/plan";

describe("automatic minor-version upgrades are off (upgrades happen inside an operator hold)", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: every RDS instance and cache replication group`, async () => {
      const plan = await planOf(stack);
      const resources = [
        ...ofType(plan, "aws:rds/instance:Instance"),
        ...ofType(plan, "aws:elasticache/replicationGroup:ReplicationGroup"),
      ];
      assert.ok(resources.length >= 2, `${resources.length} data-tier resources`);
      for (const r of resources) {
        assert.strictEqual(r.inputs.autoMinorVersionUpgrade, false, r.urn);
      }
    });
  }
});
