// The CLI's fake AWS refuses what AWS would: a resource asked for in another region's API is not
// found there (RDS, ElastiCache, EFS, Auto Scaling are regional), a Global Datastore failover or
// detach naming the wrong region is refused, and a group's desired size outside its bounds is a
// ValidationError. So a client built in the wrong region, or a size computed wrong, fails a test.
import assert from "node:assert/strict";
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeFileSystemsCommand, PutBackupPolicyCommand } from "@aws-sdk/client-efs";
import {
  DescribeReplicationGroupsCommand,
  DisassociateGlobalReplicationGroupCommand,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from "@aws-sdk/client-rds";
import { createRegionalClients } from "../../functions/region/clients";
import { FakeAws, HOME, IDS, STANDBY } from "./helpers/fakeAws";

const TIMEOUTS = { connectionTimeoutMs: 200, requestTimeoutMs: 1_000, maxAttempts: 1 };

describe("promote CLI: the fake AWS is regional, as AWS is", () => {
  let aws: FakeAws;
  beforeEach(() => (aws = new FakeAws().install()));
  afterEach(() => aws.restore());
  const home = () => createRegionalClients(HOME, TIMEOUTS);
  const standby = () => createRegionalClients(STANDBY, TIMEOUTS);

  it("RDS: the standby's instance is found in its region only, and promoted there only", async () => {
    const found = await standby().rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: IDS.standby.db }),
    );
    assert.equal(found.DBInstances?.[0]?.DBInstanceIdentifier, IDS.standby.db);
    for (const command of [
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: IDS.standby.db }),
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: IDS.standby.db }),
    ]) {
      await assert.rejects(home().rds.send(command as never), {
        name: "DBInstanceNotFoundFault",
        message: "DBInstance magento-dr-prod-euw1 not found",
      });
    }
    assert.equal(aws.state.databases[IDS.standby.db].status, "available", "nothing promoted");
  });

  it("ElastiCache: groups are regional; failover and detach must name the group's own region", async () => {
    await assert.rejects(
      home().elastiCache.send(
        new DescribeReplicationGroupsCommand({ ReplicationGroupId: IDS.standby.cache }),
      ),
      { name: "ReplicationGroupNotFoundFault" },
    );
    await assert.rejects(
      standby().elastiCache.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: IDS.gds,
          PrimaryRegion: HOME,
          PrimaryReplicationGroupId: IDS.standby.cache,
        }),
      ),
      {
        name: "InvalidParameterCombinationException",
        message: "magento-dr-prod-euw1 is not a replication group in us-east-1",
      },
    );
    await assert.rejects(
      standby().elastiCache.send(
        new DisassociateGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: IDS.gds,
          ReplicationGroupId: IDS.standby.cache,
          ReplicationGroupRegion: HOME,
        }),
      ),
      { name: "InvalidParameterCombinationException" },
    );
    assert.equal(aws.state.caches[IDS.standby.cache].role, "SECONDARY", "nothing changed");
  });

  it("EFS: a file system is found, and written, in its own region only", async () => {
    const found = await standby().efs.send(
      new DescribeFileSystemsCommand({ FileSystemId: IDS.standby.fs }),
    );
    assert.equal(found.FileSystems?.[0]?.FileSystemId, IDS.standby.fs);
    await assert.rejects(
      home().efs.send(new DescribeFileSystemsCommand({ FileSystemId: IDS.standby.fs })),
      { name: "FileSystemNotFound", message: "File system 'fs-12f6a083c1eab83af' does not exist." },
    );
    await assert.rejects(
      standby().efs.send(
        new PutBackupPolicyCommand({
          FileSystemId: IDS.home.fs,
          BackupPolicy: { Status: "ENABLED" },
        }),
      ),
      { name: "FileSystemNotFound" },
    );
    assert.deepEqual(aws.state.backups, {});
  });

  it("Auto Scaling: another region's group is not there; desired outside min..max is refused", async () => {
    const none = await home().autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: ["magento-dr-prod-euw1-magento"],
      }),
    );
    assert.deepEqual(none.AutoScalingGroups, []);
    await assert.rejects(
      home().autoScaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: "magento-dr-prod-euw1-magento",
          MinSize: 2,
          DesiredCapacity: 3,
          MaxSize: 12,
        }),
      ),
      { name: "ValidationError" },
    );
    for (const [min, desired, max] of [
      [2, 1, 12],
      [2, 13, 12],
    ]) {
      await assert.rejects(
        standby().autoScaling.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: "magento-dr-prod-euw1-magento",
            MinSize: min,
            DesiredCapacity: desired,
            MaxSize: max,
          }),
        ),
        {
          name: "ValidationError",
          message: `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
        },
      );
    }
    assert.deepEqual(aws.state.asgs["magento-dr-prod-euw1-magento"], {
      min: 0,
      desired: 0,
      max: 12,
      inService: 0,
    });
  });
});
