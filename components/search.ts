import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { arns } from "./arns";
import * as random from "@pulumi/random";

/** The newest OpenSearch TLS policy: TLS 1.2 minimum with forward secrecy only. */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/**
 * Passwords of the domain's internal users (the master user and components/searchUsers.ts). The
 * service's rule for the master user: at least 8 characters with upper- and lower-case letters, a
 * digit and a special character (Amazon OpenSearch Service Developer Guide, "Fine-grained access
 * control", master user); the specials are ones that need no escaping in JSON, PHP or a shell.
 */
export const SEARCH_PASSWORD_RULE: random.RandomPasswordArgs = {
  length: 32,
  minUpper: 2,
  minLower: 2,
  minNumeric: 2,
  minSpecial: 2,
  overrideSpecial: "!#%^*-_+=",
};

export interface SearchArgs {
  /** OpenSearch domain name (3-28 lower-case characters). */
  domainName: string;
  engineVersion: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  masterInstanceType: pulumi.Input<string>;
  /** Data nodes, a multiple of the AZ count. */
  dataNodes: number;
  volumeGiB: number;
  /** One subnet per AZ; plain count decides zone awareness. */
  subnetIds: pulumi.Input<string[]>;
  availabilityZones: number;
  securityGroupId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  region: string;
  logRetentionDays: number;
  /**
   * Protect the domain from deletion by Pulumi.
   * @default true
   */
  protect?: boolean;
  /**
   * Create OpenSearch's service-linked role, which a VPC domain needs. It is account-wide, so
   * only one stack creates it (the home stack, deployed first).
   * @default false
   */
  createServiceLinkedRole?: boolean;
}

/**
 * Magento's catalog search: an OpenSearch domain in the VPC with zone awareness over three AZs,
 * three dedicated masters, encryption at rest and between nodes, HTTPS only, fine-grained access
 * control with the internal user database (a master user, held only by the replication function,
 * which creates Magento's and the checker's own users: SearchUsers), and its logs
 * in CloudWatch with retention. Each region has its own domain; the standby's follows the home
 * domain through cross-cluster replication (SearchReplicationLink, docs/search.md).
 */
export class Search extends pulumi.ComponentResource {
  public readonly endpoint: pulumi.Output<string>;
  public readonly domainArn: pulumi.Output<string>;
  public readonly credentialsSecretArn: pulumi.Output<string>;
  /** The secret as a policy names it before it exists (./arns.ts). */
  public readonly credentialsSecretPolicyArn: pulumi.Output<string>;
  public readonly domainName: pulumi.Output<string>;

  constructor(name: string, args: SearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:Search", name, {}, opts);
    const protect = args.protect ?? true;
    if (!/^[a-z][a-z0-9-]{2,27}$/.test(args.domainName)) {
      throw new Error(
        `Search ${name}: domainName "${args.domainName}" must be 3-28 lower-case letters, digits or hyphens`,
      );
    }
    if (args.dataNodes % args.availabilityZones !== 0) {
      throw new Error(
        `Search ${name}: dataNodes = ${args.dataNodes}; expected a multiple of ${args.availabilityZones}`,
      );
    }

    const password = new random.RandomPassword(`${name}-master`, SEARCH_PASSWORD_RULE, {
      parent: this,
    });
    const secret = new aws.secretsmanager.Secret(
      `${name}-master`,
      {
        description: `${args.domainName}: OpenSearch master user (search users and replication only)`,
        kmsKeyId: args.kmsKeyArn,
      },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-master`,
      {
        secretId: secret.id,
        secretString: pulumi.jsonStringify({ username: "magento", password: password.result }),
      },
      { parent: this },
    );

    const logTypes = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"];
    const logGroups = logTypes.map(
      (logType) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${logType.toLowerCase().replace(/_/g, "-")}`,
          {
            name: `/aws/opensearch/${args.domainName}/${logType.toLowerCase()}`,
            retentionInDays: args.logRetentionDays,
          },
          { parent: this },
        ),
    );
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-logs`,
      {
        policyName: `${args.domainName}-opensearch-logs`,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "es.amazonaws.com" },
              Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
              Resource: logGroups.map((g) => pulumi.interpolate`${g.arn}:*`),
              Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
          ],
        }),
      },
      { parent: this },
    );

    const dependsOn: pulumi.Resource[] = [logPolicy];
    if (args.createServiceLinkedRole) {
      dependsOn.push(
        new aws.iam.ServiceLinkedRole(
          `${name}-service-role`,
          { awsServiceName: "opensearchservice.amazonaws.com" },
          { parent: this },
        ),
      );
    }

    const domainArn = pulumi.interpolate`arn:aws:es:${args.region}:${args.accountId}:domain/${args.domainName}`;
    const domain = new aws.opensearch.Domain(
      `${name}-domain`,
      {
        domainName: args.domainName,
        engineVersion: args.engineVersion,
        clusterConfig: {
          instanceType: args.instanceType,
          instanceCount: args.dataNodes,
          dedicatedMasterEnabled: true,
          dedicatedMasterType: args.masterInstanceType,
          dedicatedMasterCount: 3,
          zoneAwarenessEnabled: true,
          zoneAwarenessConfig: { availabilityZoneCount: args.availabilityZones },
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: args.volumeGiB },
        vpcOptions: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
        encryptAtRest: { enabled: true, kmsKeyId: args.kmsKeyArn },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          internalUserDatabaseEnabled: true,
          masterUserOptions: { masterUserName: "magento", masterUserPassword: password.result },
        },
        // The network (VPC access only) decides who can reach the domain, and fine-grained access
        // control decides, per internal user, what each request may do. The policy lets every
        // request through to FGAC: a policy naming IAM principals would refuse the unsigned
        // basic-auth requests of Magento, the checker and the replication function before FGAC
        // saw them (OpenSearch Service Developer Guide, "Fine-grained access control in Amazon
        // OpenSearch Service": "If a resource-based access policy contains IAM users or roles,
        // clients must send signed requests ... we recommend using a domain access policy that
        // doesn't require signed requests"; this is its "Recommended configurations" policy for a
        // "User name and password" master user). Checked by the policy pack
        // (opensearch-access-policy-no-public-principal: only with FGAC, the internal user database
        // and VPC access).
        accessPolicies: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "FineGrainedAccessControlDecides",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "es:ESHttp*",
              Resource: pulumi.interpolate`${domainArn}/*`,
            },
            // Cross-cluster replication: "you must include the es:ESCrossClusterGet permission on
            // the remote (leader) domain ... applied for /leader-domain and not /leader-domain/*"
            // (OpenSearch Service Developer Guide, "Cross-cluster replication", Permissions
            // requirements, whose recommended policy names Principal "*" for it as well; a
            // connection still needs the leader's acceptance, which only this program gives).
            // Every domain may lead: the standby leads after a failover, for the failback.
            {
              Sid: "CrossClusterReplication",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "es:ESCrossClusterGet",
              Resource: domainArn,
            },
          ],
        }),
        logPublishingOptions: logTypes.map((logType, i) => ({
          logType,
          cloudwatchLogGroupArn: logGroups[i].arn,
          enabled: true,
        })),
        softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      },
      { parent: this, protect, dependsOn },
    );

    this.endpoint = domain.endpoint;
    this.domainArn = domain.arn;
    this.credentialsSecretArn = secret.arn;
    this.credentialsSecretPolicyArn = arns.secret(args.region, args.accountId, secret.name);
    this.domainName = domain.domainName;
    this.registerOutputs({ endpoint: this.endpoint, domainArn: this.domainArn });
  }
}
