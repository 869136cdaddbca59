// DR, topology: a copy is only a recovery point if it lands where the standby runs. Replicas and
// EFS replication are declared with a region name; a slip (the home region, a region no standby
// stack deploys to) gives a copy nobody can fail over to. The pack cannot see a stack's config,
// so the standby regions come from the policy config in policies/prod.json, which a test keeps
// equal to the aws:region of every stack file that sets magento-dr:homeStack.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { settings, stringList } from "../lib/config";
import { Subject } from "../lib/subject";
import { known, knownList, Maybe, UNKNOWN } from "../lib/values";

const regionSchema = {
  properties: {
    standbyRegions: stringList(
      "The regions the standby stacks deploy to (their aws:region); no default: an unconfigured pack cannot tell a standby region from any other.",
      [],
    ),
  },
};

function checkRegion(
  subject: Subject,
  property: string,
  region: Maybe<string | undefined>,
  standbyRegions: string[],
): void {
  const must = "must replicate to a standby region";
  if (standbyRegions.length === 0) {
    return subject.fail(
      must,
      "the policy's standbyRegions is not configured",
      "Set \"standbyRegions\" (the standby stacks' aws:region) in this policy's config.",
    );
  }
  subject.expect({
    property,
    read: () => region,
    ok: (v) => v !== undefined && standbyRegions.includes(v),
    must,
    fix: `Use one of ${standbyRegions.join(", ")} (the standby stacks' aws:region).`,
  });
}

export const replicationTargetsStandby: ResourceValidationPolicy = {
  name: "dr-replication-targets-standby",
  description:
    "DynamoDB table replicas and EFS replication target a standby region named in the policy's standbyRegions config.",
  enforcementLevel: "advisory",
  configSchema: regionSchema,
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
      const { standbyRegions } = settings<{ standbyRegions: string[] }>(args, regionSchema);
      const subject = new Subject(args, report);
      const replicas = knownList(() => table.replicas);
      if (replicas === UNKNOWN) {
        return subject.cannotVerify("must replicate to a standby region", "replicas");
      }
      // A table without replicas is dr-home-stack-replicates' finding, not this rule's.
      (replicas ?? []).forEach((replica, i) =>
        checkRegion(
          subject,
          `replicas[${i}].regionName`,
          replica === UNKNOWN ? UNKNOWN : known(() => replica.regionName),
          standbyRegions,
        ),
      );
    }),
    validateResourceOfType(aws.efs.ReplicationConfiguration, (replication, args, report) => {
      const { standbyRegions } = settings<{ standbyRegions: string[] }>(args, regionSchema);
      checkRegion(
        new Subject(args, report),
        "destination.region",
        known(() => replication.destination.region),
        standbyRegions,
      );
    }),
  ],
};

export const replicationRegionPolicies = [replicationTargetsStandby];
