import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { createAuthorityClient } from "../functions/region/clients";
import { AuthorityStore } from "../functions/region/authority";
import { createSearchReplicationHandler } from "../functions/searchReplication/handler";
import { basicAuthFromSecret, credentialsFromSecret } from "../functions/searchAuth";
import { ManagedUser, searchUserSpecs } from "../functions/searchReplication/users";
import { FailoverFunction } from "./failoverFunction";
import type { KeyRef } from "./arns";
import { LAMBDA_ENVIRONMENT } from "../functions/contractEnvironment";
import { METRIC_NAMESPACES } from "../functions/contractMetrics";
import { searchFunctionStatements } from "./searchPermissions";

export interface SearchUserSecretRef {
  secretArn: pulumi.Input<string>;
  secretPolicyArn: pulumi.Input<string>;
  /** A new value re-runs the deployment's user check. */
  versionId: pulumi.Input<string>;
}

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
  /**
   * The domain's own users this function creates and keeps (components/searchUsers.ts), their
   * secrets encrypted with `secretKey` as well.
   */
  users: {
    magento: SearchUserSecretRef;
    checker: SearchUserSecretRef;
  };
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
 * domains, which the master user has (all_access). It is the only holder of the master user: it
 * also creates and keeps the domain's users for Magento and the search checker (least privilege,
 * functions/searchReplication/users.ts), once during the deployment (`usersReady`) and every minute.
 */
export class SearchReplicationAutomation extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly fn: FailoverFunction<unknown, unknown>;
  /**
   * Resolves once the deployment has run the function's "users" action, which fails unless
   * Magento's and the checker's users sign in with exactly their own role: whatever points them
   * at their users (the search/secret-arn parameter, the checker's secret, the instance policy)
   * takes its value through this, so nobody is switched to a user the domain does not have yet.
   */
  public readonly usersReady: pulumi.Output<string>;

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
      metricNamespace: METRIC_NAMESPACES.search,
      timeoutMs: 10_000,
      userSpecs: searchUserSpecs(args.indexPrefix),
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
          const magento = credentialsFromSecret(
            settings.region,
            process.env[LAMBDA_ENVIRONMENT.searchMagentoSecretArn] ?? "",
          );
          const checker = credentialsFromSecret(
            settings.region,
            process.env[LAMBDA_ENVIRONMENT.searchCheckerSecretArn] ?? "",
          );
          const users = async (): Promise<ManagedUser[]> => {
            const pairs = [
              { spec: settings.userSpecs.magento, credentials: await magento() },
              { spec: settings.userSpecs.checker, credentials: await checker() },
            ];
            return pairs.map(({ spec, credentials }) => {
              if (credentials.username !== spec.username) {
                throw new Error(
                  `the secret of ${spec.username} names the user "${credentials.username}"`,
                );
              }
              return { spec, password: credentials.password };
            });
          };
          return createSearchReplicationHandler(
            {
              ...settings,
              domainName: process.env[LAMBDA_ENVIRONMENT.searchDomainName] ?? "",
              endpoint: process.env[LAMBDA_ENVIRONMENT.searchEndpoint] ?? "",
            },
            {
              activeRegion: async () => (await store.read()).activeRegion,
              headers: basicAuthFromSecret(
                settings.region,
                process.env[LAMBDA_ENVIRONMENT.searchSecretArn] ?? "",
              ),
              users,
            },
          );
        },
        environment: {
          [LAMBDA_ENVIRONMENT.searchDomainName]: args.domainName,
          [LAMBDA_ENVIRONMENT.searchEndpoint]: args.endpoint,
          [LAMBDA_ENVIRONMENT.searchSecretArn]: args.secretArn,
          [LAMBDA_ENVIRONMENT.searchMagentoSecretArn]: args.users.magento.secretArn,
          [LAMBDA_ENVIRONMENT.searchCheckerSecretArn]: args.users.checker.secretArn,
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
            [
              args.secretPolicyArn,
              args.users.magento.secretPolicyArn,
              args.users.checker.secretPolicyArn,
            ],
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

    // Invoked by the deployment (RequestResponse: a function error fails the update), again
    // whenever a password or a role changes. aws.lambda.Invocation "only invokes the function when
    // the arguments call for a create or replace"; `triggers` is what replaces it (Pulumi Registry,
    // aws.lambda.Invocation). The function's own schedule keeps the users in place afterwards.
    const invocation = new aws.lambda.Invocation(
      `${name}-users`,
      {
        functionName: fn.functionName,
        input: JSON.stringify({ action: "users" }),
        triggers: {
          roles: JSON.stringify(settings.userSpecs),
          magentoSecretVersion: args.users.magento.versionId,
          checkerSecretVersion: args.users.checker.versionId,
        },
      },
      // After the whole function (role, policy, code): the run reads the users' secrets.
      { parent: this, dependsOn: [fn] },
    );
    // The id, not the result: it exists once the invocation succeeded and stays known (and the
    // same) in every later preview until the triggers change.
    this.usersReady = invocation.id;

    this.fn = fn as FailoverFunction<unknown, unknown>;
    this.functionArn = fn.functionArn;
    this.functionName = fn.functionName;
    this.logGroupName = fn.logGroupName;
    this.registerOutputs({ functionArn: this.functionArn, usersReady: this.usersReady });
  }
}
