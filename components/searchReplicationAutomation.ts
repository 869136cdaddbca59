import * as pulumi from "@pulumi/pulumi";
import { createAuthorityClient } from "../functions/region/clients";
import { AuthorityStore } from "../functions/region/authority";
import { createSearchReplicationHandler } from "../functions/searchReplication/handler";
import { basicAuthFromSecret } from "../functions/searchAuth";
import { FailoverFunction } from "./failoverFunction";
import type { KeyRef } from "./arns";
import { SEARCH_METRIC_NAMESPACE, searchFunctionStatements } from "./searchPermissions";

export interface SearchReplicationAutomationArgs {
  region: string;
  /** The region's own domain: its name (metric dimension) and endpoint. */
  domainName: pulumi.Input<string>;
  endpoint: pulumi.Input<string>;
  indexPrefix: string;
  /** Connection alias on this domain per region it can follow (SearchReplicationLink). */
  leaderAliases: Record<string, string>;
  /**
   * The domain's master-user secret (fine-grained access control): its ARN for the function, the
   * ARN pattern known before it exists for the policy, and the key it is encrypted with.
   */
  secretArn: pulumi.Input<string>;
  secretPolicyArn: pulumi.Input<string>;
  secretKey: KeyRef;
  /** Where the active region is decided. */
  authority: {
    tableName: string;
    region: string;
    tableArn: pulumi.Input<string>;
    initialActiveRegion: string;
  };
  privateSubnetIds: pulumi.Input<string[]>;
  lambdaSecurityGroupId: pulumi.Input<string>;
  failureQueueArn: pulumi.Input<string>;
  failureQueueKey: KeyRef;
  logRetentionDays: number;
}

/**
 * The function that keeps a region's search domain following the active region (auto-follow rule,
 * health metrics), and that the promotion's search step and the failback invoke. It runs in the
 * VPC because the domain answers only there, and signs in as the domain's master user: the
 * replication plugin's start and rule APIs need a role mapped to replication permissions on both
 * domains, which the master user has (all_access).
 */
export class SearchReplicationAutomation extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly fn: FailoverFunction<unknown, unknown>;

  constructor(
    name: string,
    args: SearchReplicationAutomationArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("magento-dr:automation:SearchReplicationAutomation", name, {}, opts);
    // Plain values only: the closure is serialized into the Lambda package.
    const settings = {
      region: args.region,
      indexPrefix: args.indexPrefix,
      leaderAliases: args.leaderAliases,
      metricNamespace: SEARCH_METRIC_NAMESPACE,
      timeoutMs: 10_000,
    };
    const authority = {
      tableName: args.authority.tableName,
      region: args.authority.region,
      initialActiveRegion: args.authority.initialActiveRegion,
    };
    const fn = new FailoverFunction(
      `${name}-fn`,
      {
        description: "Keeps the region's search domain following the active region; promotes it",
        callbackFactory: () => {
          const store = new AuthorityStore({
            client: createAuthorityClient(authority.region),
            tableName: authority.tableName,
            initialActiveRegion: authority.initialActiveRegion,
          });
          return createSearchReplicationHandler(
            {
              ...settings,
              domainName: process.env.SEARCH_DOMAIN_NAME ?? "",
              endpoint: process.env.SEARCH_ENDPOINT ?? "",
            },
            {
              activeRegion: async () => (await store.read()).activeRegion,
              headers: basicAuthFromSecret(settings.region, process.env.SEARCH_SECRET_ARN ?? ""),
            },
          );
        },
        environment: {
          SEARCH_DOMAIN_NAME: args.domainName,
          SEARCH_ENDPOINT: args.endpoint,
          SEARCH_SECRET_ARN: args.secretArn,
        },
        statements: [
          {
            Sid: "ReadAuthority",
            Effect: "Allow",
            Action: ["dynamodb:GetItem"],
            Resource: [args.authority.tableArn],
          },
          ...searchFunctionStatements(
            args.region,
            args.secretPolicyArn,
            args.secretKey,
            "ReplicationMetrics",
          ),
        ],
        memorySize: 256,
        // A promote stops, re-reads and counts a few dozen indices, each request bounded by 10 s.
        timeoutSeconds: 120,
        // One at a time: the schedule never overlaps itself, and a promotion's invocation that
        // finds the schedule running is throttled and retried by the step.
        reservedConcurrency: 1,
        logRetentionDays: args.logRetentionDays,
        failureQueueArn: args.failureQueueArn,
        failureQueueKey: args.failureQueueKey,
        vpc: { subnetIds: args.privateSubnetIds, securityGroupIds: [args.lambdaSecurityGroupId] },
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );
    fn.runEvery("rate(1 minute)");

    this.fn = fn as FailoverFunction<unknown, unknown>;
    this.functionArn = fn.functionArn;
    this.functionName = fn.functionName;
    this.logGroupName = fn.logGroupName;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
