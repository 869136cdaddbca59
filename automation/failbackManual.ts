// The failback steps this CLI does not automate, printed with the real names so the operator can
// copy them. They are manual on purpose: each deletes or replaces a stateful resource, which this
// CLI refuses to do by design (its preview check stops on exactly these).
import type { RegionFailoverSettings } from "../functions/region/settings";
import type { Run } from "./context";
import type { Prepared } from "./switchover";
import { stackInRegion } from "./topology";

/** How to make the target's database a replica of the active writer again. */
export function databaseRebuildSteps(
  target: RegionFailoverSettings,
  activeDbArn: string,
): string[] {
  const region = target.localRegion;
  const id = target.database.instanceId;
  return [
    `database: ${id} (${region}) must become a read replica of ${activeDbArn}; RDS cannot convert it. Rebuild (README runbook, "Failback: rebuild the database replica"):`,
    `  1. keep the old instance under another name (its data is from before the failover):`,
    `     aws rds modify-db-instance --region ${region} --db-instance-identifier ${id} --new-db-instance-identifier ${id}-before-failback --apply-immediately`,
    `  2. create the replica with the program's identifier, reusing the old instance's subnet group, security group, parameter group and KMS key:`,
    `     aws rds describe-db-instances --region ${region} --db-instance-identifier ${id}-before-failback`,
    `     aws rds create-db-instance-read-replica --region ${region} --db-instance-identifier ${id} --source-db-instance-identifier ${activeDbArn} --multi-az --kms-key-id <key> --db-subnet-group-name <group> --vpc-security-group-ids <sg> --db-parameter-group-name <params>`,
    `  3. wait until it is available and its ReplicaLag is near 0 (npm run promote -- status), then rerun failback`,
  ];
}

/** What is left after a successful failback, for the standby to be protected again. */
export function followUps(run: Run, prepared: Prepared, cacheWasDetached: boolean): string[] {
  const standby = stackInRegion(run.deps.topology, prepared.fromRegion);
  const name = standby?.stack ?? prepared.fromRegion;
  const lines = [
    'left to do by hand (README runbook, "After a failback"):',
    `  - ${name}: its database served during the failover and is standalone now; rebuild it as a replica of the new writer: ` +
      `pulumi state unprotect + \`pulumi up -s ${name} --replace <urn of the *-db-replica Instance>\` (after disabling its deletion protection)`,
    `  - ${name}: once its \`up\` mounted the new EFS replica, delete the file system it used while active (aws efs describe-file-systems --region ${prepared.fromRegion})`,
  ];
  if (cacheWasDetached) {
    lines.push(
      `  - flush the cache in ${prepared.target.stack.region} now: \`bin/magento cache:flush\` on one instance (SSM Run Command)`,
      `  - ${name}: rejoin its cache group to the Global Datastore: \`pulumi up -s ${name} --replace <urn of the *-cache-group ReplicationGroup>\``,
    );
  }
  lines.push("  - commit Pulumi.*.yaml (activeRegion changed in every stack file)");
  return lines;
}
