import { LAMBDA_ENVIRONMENT } from "../functions/contractEnvironment";
import * as pulumi from "@pulumi/pulumi";
import { createHeartbeatReaderHandler } from "../functions/heartbeat/handler";
import { FailoverFunction, inVpc, type VpcFunctionPlacement } from "./failoverFunction";
import { secretRead, type KeyRef } from "./arns";

export interface HeartbeatReaderArgs extends VpcFunctionPlacement {
  region: string;
  /** The region's database (the replica until a promotion): its address, and Magento's schema. */
  databaseHost: pulumi.Input<string>;
  databaseName: string;
  /**
   * Magento's database user (`{ username, password }`): the region's replica of the shared
   * secret, its ARN pattern known before it exists for the policy, and the key it may use.
   */
  secretArn: pulumi.Input<string>;
  secretPolicyArn: pulumi.Input<string>;
  secretKey: KeyRef;
}

/**
 * The RPO heartbeat's reader (docs/rpo.md): answers the newest beat of each region that reached
 * this region's database. In the VPC, because the database answers nowhere else (and the RDS Data
 * API serves Aurora only: functions/heartbeat/reader.ts). The orchestrator invokes it
 * synchronously when it decides on a promotion, the operator CLI for status, its RPO gate and
 * the planned quiesce (every stack has one: a failback reads the home database, then a replica);
 * nothing schedules it.
 */
export class HeartbeatReader extends pulumi.ComponentResource {
  public readonly fn: FailoverFunction<unknown, unknown>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: HeartbeatReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:HeartbeatReader", name, {}, opts);
    // Plain values only: the closure is serialized into the Lambda package.
    const settings = { region: args.region, database: args.databaseName, timeoutMs: 3_000 };
    const fn = new FailoverFunction(
      `${name}-fn`,
      {
        description: "Reads the newest replicated RPO heartbeat of each region (docs/rpo.md)",
        callbackFactory: () =>
          createHeartbeatReaderHandler({
            ...settings,
            host: process.env[LAMBDA_ENVIRONMENT.databaseHost] ?? "",
            secretArn: process.env[LAMBDA_ENVIRONMENT.databaseSecretArn] ?? "",
          }),
        environment: {
          [LAMBDA_ENVIRONMENT.databaseHost]: args.databaseHost,
          [LAMBDA_ENVIRONMENT.databaseSecretArn]: args.secretArn,
        },
        statements: secretRead(
          "DatabaseLogin",
          args.region,
          [args.secretPolicyArn],
          args.secretKey,
        ),
        databaseClient: true,
        memorySize: 256,
        // The secret read, the connection and the query, each bounded by 3 s.
        timeoutSeconds: 30,
        ...inVpc(args),
        // Invoked synchronously by the orchestrator, which treats a failure as an unknown window.
        maximumRetryAttempts: 0,
      },
      { parent: this },
    );
    this.fn = fn as FailoverFunction<unknown, unknown>;
    this.functionName = fn.functionName;
    this.registerOutputs({ functionName: this.functionName });
  }
}
