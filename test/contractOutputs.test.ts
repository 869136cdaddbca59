// The stack outputs are one contract (functions/contractOutputs.ts): RegionStack exports them, a
// standby stack reads the home stack's (components/homeOutputs.ts), the operator CLI reads every
// stack's. The names are typed on every side; this pins the list and checks the planned stacks
// export exactly it.
import * as assert from "assert";
import { HOME_OUTPUT_NAMES } from "../components/homeOutputs";
import { STACK_OUTPUT_NAMES } from "../functions/contractOutputs";
import { planOf } from "./helpers/plan";

describe("contract: the stack outputs", function () {
  this.timeout(300_000);

  it("the stacks export exactly these names; the standby reads these of the home stack", async () => {
    const home = Object.keys((await planOf("prod-use1")).run.outputs).sort();
    const standby = Object.keys((await planOf("prod-euw1")).run.outputs).sort();
    const common = [
      "activeRegion",
      "albDnsName",
      "albHealthCheckId",
      "alertTopicArn",
      "autoScalingGroupName",
      "cacheReplicationGroupId",
      "databaseAddress",
      "databaseArn",
      "fenceFunctionArn",
      "globalDatastoreId",
      "heartbeatReaderFunctionName",
      "mediaFileSystemId",
      "parameterPath",
      "recoveryBudget",
      "region",
      "searchDomainName",
      "searchEndpoint",
      "searchEngineVersion",
      "searchReplicationFunctionName",
      "sessionsTableName",
      "vpcId",
    ];
    assert.deepStrictEqual(
      home,
      [
        ...common,
        "cacheAuthSecretArn",
        "cryptKeySecretArn",
        "databaseMasterSecretArn",
        "databaseUserSecretArn",
        "mediaReplicaFileSystemId",
      ].sort(),
    );
    assert.deepStrictEqual(
      standby,
      [...common, "detectorFunctionArn", "orchestratorFunctionArn"].sort(),
    );
    assert.deepStrictEqual(
      [...new Set([...home, ...standby])].sort(),
      [...STACK_OUTPUT_NAMES].sort(),
    );
    assert.deepStrictEqual([...HOME_OUTPUT_NAMES].sort(), [
      "albHealthCheckId",
      "cacheAuthSecretArn",
      "cryptKeySecretArn",
      "databaseArn",
      "databaseUserSecretArn",
      "globalDatastoreId",
      "mediaFileSystemId",
      "mediaReplicaFileSystemId",
      "searchDomainName",
      "searchEngineVersion",
      "sessionsTableName",
    ]);
    assert.deepStrictEqual(
      HOME_OUTPUT_NAMES.filter((n) => !home.includes(n)),
      [],
      "the home stack exports every output a standby reads",
    );
  });
});
