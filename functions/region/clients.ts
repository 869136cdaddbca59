// SDK clients for the failover Lambdas. The promotion path gets clients for ONE region, the
// local (standby) one: the failed region may be unreachable, and a client for it is exactly how
// an orchestrator ends up hanging on a dead endpoint. No function here takes a second region.
// Timeouts and retry mode come from the shared factory in functions/awsClients.ts.
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EFSClient } from "@aws-sdk/client-efs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { clientConfig as sharedClientConfig } from "../awsClients";

export interface SdkTimeouts {
  /** TCP connect timeout of one attempt; a blackholed endpoint fails here. */
  connectionTimeoutMs: number;
  /** Whole-request timeout of one attempt (throws, not just warns). */
  requestTimeoutMs: number;
  /** SDK attempts per call, including the first; steps add their own bounded retries. */
  maxAttempts: number;
}

export const DEFAULT_SDK_TIMEOUTS: SdkTimeouts = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  maxAttempts: 2,
};

/** Test and local-endpoint overrides; production leaves both unset. */
export interface ClientOverrides {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

function clientConfig(region: string, timeouts: SdkTimeouts, overrides: ClientOverrides = {}) {
  return {
    ...sharedClientConfig(region, timeouts),
    ...(overrides.endpoint ? { endpoint: overrides.endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
  };
}

/** Every client the promotion steps use, all bound to `region`. */
export interface RegionalClients {
  region: string;
  elastiCache: ElastiCacheClient;
  rds: RDSClient;
  efs: EFSClient;
  ssm: SSMClient;
  autoScaling: AutoScalingClient;
  cloudWatch: CloudWatchClient;
  sns: SNSClient;
  /** Invokes the search replication function, which alone can reach the VPC-only domain. */
  lambda: LambdaClient;
}

export function createRegionalClients(
  region: string,
  timeouts: SdkTimeouts = DEFAULT_SDK_TIMEOUTS,
  overrides?: ClientOverrides,
): RegionalClients {
  const config = clientConfig(region, timeouts, overrides);
  return {
    region,
    elastiCache: new ElastiCacheClient(config),
    rds: new RDSClient(config),
    efs: new EFSClient(config),
    ssm: new SSMClient(config),
    autoScaling: new AutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    lambda: new LambdaClient(config),
  };
}

/** The authority table's client: a single-region table in the authority region. */
export function createAuthorityClient(
  authorityRegion: string,
  timeouts: SdkTimeouts = DEFAULT_SDK_TIMEOUTS,
  overrides?: ClientOverrides,
): DynamoDBClient {
  return new DynamoDBClient(clientConfig(authorityRegion, timeouts, overrides));
}

/**
 * Route 53's API is global: whatever region the client is given, the SDK sends the call to
 * route53.amazonaws.com, signed for us-east-1 (the control plane's home). Detection therefore
 * treats this signal as optional: when us-east-1 is the failing region the read fails and the
 * signal is "unknown". It is never used on the promotion path.
 */
export function createRoute53StatusClient(
  localRegion: string,
  timeouts: SdkTimeouts = DEFAULT_SDK_TIMEOUTS,
  overrides?: ClientOverrides,
): Route53Client {
  return new Route53Client(clientConfig(localRegion, timeouts, overrides));
}

/** Invokes the local orchestrator function (the detector's hand-off; requestPromotion.ts). */
export function createLambdaClient(
  localRegion: string,
  timeouts: SdkTimeouts = DEFAULT_SDK_TIMEOUTS,
  overrides?: ClientOverrides,
): LambdaClient {
  return new LambdaClient(clientConfig(localRegion, timeouts, overrides));
}
