import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { KeyRef, secretRead } from "./arns";
import { albLogWriter } from "./albLogDelivery";
import { Capacity } from "../config";
import { TIER_PORTS } from "./network";
import { METRIC_NAMESPACES } from "../functions/contractMetrics";
import { packUserData } from "./bootstrap/userData";
import { AUTHORITY_ITEM, onItems } from "./authorityAccess";
import {
  APP_HEALTH_PATH,
  HEALTH_PORT,
  SERVING_HEALTH_PATH,
  SHALLOW_HEALTH_PATH,
} from "./healthPaths";

/** A target's health as both target groups check it: in after 2 passes, out after 3 failures
 * 15 s apart (45 s). */
const targetHealthCheck = (path: pulumi.Input<string>) => ({
  path,
  protocol: "HTTP",
  matcher: "200",
  interval: 15,
  timeout: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
});

/** TLS 1.3 with a TLS 1.2 floor: the current ALB policy AWS recommends. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface MagentoAppTierArgs {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  privateSubnetIds: pulumi.Input<string[]>;
  albSecurityGroupId: pulumi.Input<string>;
  appSecurityGroupId: pulumi.Input<string>;
  /** Public name of the shop; the ALB's certificate is issued for it. */
  domainName: string;
  /** The stack's region (for the KMS ViaService condition). */
  region: string;
  /** This region's own name (the canaries probe it); the certificate covers it too. */
  regionalName: string;
  /** Hosted zone for the certificate's DNS validation record. */
  hostedZoneId: pulumi.Input<string>;
  amiId: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  /** Size the group runs at now; decided by whether this region is active. */
  capacity: Capacity;
  /** The group's name: fixed, because the failover functions scale it by name. */
  autoScalingGroupName: string;
  /** Launch template user data (plain text; encoded here). */
  userData: pulumi.Input<string>;
  /** ARN pattern of the SSM parameters the instances may read (`.../parameter/<project>/<stack>/*`). */
  parameterArn: pulumi.Input<string>;
  /** Secrets the instances may read (database, cache AUTH, search user, crypt key). */
  /** The secrets instances read, as policies name them before they exist (./arns.ts `secret`). */
  secretArns: pulumi.Input<string>[];
  /** The region's key some of those secrets are encrypted with (decrypted via Secrets Manager only). */
  secretsKey: KeyRef;
  /** The media file system the instances mount. */
  /** The media file system as a policy names it (Media.policyTarget). */
  fileSystem: {
    resource: pulumi.Input<string>;
    condition?: Record<string, Record<string, string>>;
  };
  /** The authority table and its region, read by the endpoint watcher to detect fencing. */
  authorityTableArn?: pulumi.Input<string>;
  /**
   * The sessions table's replica in this region, when Magento keeps sessions in DynamoDB: the
   * instance role may then do the session handler's item operations on session items only.
   */
  sessions?: {
    tableArn: pulumi.Input<string>;
    /** Item actions the handler calls (exactly these are granted). */
    actions: string[];
    /** Partition keys of session items start with it (`dynamodb:LeadingKeys`). */
    keyPrefix: string;
  };
  /**
   * Refuse deletion of the load balancer.
   * @default true
   */
  deletionProtection?: boolean;
  /**
   * Days to keep ALB access logs.
   * @default 90
   */
  accessLogDays?: number;
  /**
   * Seconds a new instance has before ELB health checks count.
   * @default 600 (Magento warms caches and mounts EFS on first boot)
   */
  healthCheckGraceSeconds?: number;
}

/**
 * Magento's application tier in one region: an HTTPS-only ALB across the public subnets, and an
 * Auto Scaling group of hardened instances across the private subnets, launched from a template
 * whose user data renders app/etc/env.php from the region's SSM parameters.
 */
export class MagentoAppTier extends pulumi.ComponentResource {
  public readonly albArn: pulumi.Output<string>;
  public readonly albArnSuffix: pulumi.Output<string>;
  public readonly albDnsName: pulumi.Output<string>;
  public readonly albZoneId: pulumi.Output<string>;
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  public readonly autoScalingGroupName: pulumi.Output<string>;
  public readonly autoScalingGroupArn: pulumi.Output<string>;
  public readonly instanceRoleArn: pulumi.Output<string>;

  constructor(name: string, args: MagentoAppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:app:MagentoAppTier", name, {}, opts);
    const deletionProtection = args.deletionProtection ?? true;
    const accessLogDays = args.accessLogDays ?? 90;
    const healthCheckGraceSeconds = args.healthCheckGraceSeconds ?? 600;
    const { min, desired, max } = args.capacity;
    if (!(min >= 0 && min <= desired && desired <= max && max >= 1)) {
      throw new Error(
        `MagentoAppTier ${name}: capacity ${JSON.stringify(args.capacity)}; expected 0 <= min <= desired <= max, max >= 1`,
      );
    }

    const logs = this.accessLogBucket(name, accessLogDays, args.region);
    const certificateArn = this.certificate(
      name,
      args.domainName,
      args.regionalName,
      args.hostedZoneId,
    );

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: deletionProtection,
        idleTimeout: 60,
        accessLogs: { bucket: logs.bucket, prefix: "alb", enabled: true },
      },
      { parent: this, dependsOn: [logs.policy] },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-web`,
      {
        vpcId: args.vpcId,
        port: TIER_PORTS.http,
        protocol: "HTTP",
        targetType: "instance",
        deregistrationDelay: 30,
        // Not Magento's health_check.php: it fails while MySQL or Redis fails over (60–120 s for
        // RDS Multi-AZ), and with the group on ELB health every instance would be replaced for
        // an in-region blip. The health server's PHP-FPM ping (healthPaths.ts) on its own port
        // (a target group's HealthCheckPort may differ from the traffic port; "Health checks
        // for Application Load Balancer target groups", Elastic Load Balancing User Guide).
        healthCheck: { ...targetHealthCheck(APP_HEALTH_PATH), port: String(HEALTH_PORT) },
      },
      { parent: this },
    );
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: TIER_PORTS.https,
        protocol: "HTTPS",
        sslPolicy: ALB_TLS_POLICY,
        certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      { parent: this },
    );
    const healthGroup = this.healthServer(name, args.vpcId, https.arn);
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: TIER_PORTS.http,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: String(TIER_PORTS.https), statusCode: "HTTP_301" },
          },
        ],
      },
      { parent: this },
    );

    const role = this.instanceRole(name, args);
    const profile = new aws.iam.InstanceProfile(
      `${name}-instance`,
      { role: role.name },
      { parent: this },
    );
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-magento`,
      {
        imageId: args.amiId,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        updateDefaultVersion: true,
        ebsOptimized: "true",
        monitoring: { enabled: true },
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: 50,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        networkInterfaces: [
          {
            associatePublicIpAddress: "false",
            deleteOnTermination: "true",
            securityGroups: [args.appSecurityGroupId],
          },
        ],
        userData: pulumi.output(args.userData).apply(packUserData),
        tagSpecifications: [
          { resourceType: "instance", tags: { Name: `${name}-magento` } },
          { resourceType: "volume", tags: { Name: `${name}-magento` } },
        ],
      },
      { parent: this },
    );
    const group = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        name: args.autoScalingGroupName,
        vpcZoneIdentifiers: args.privateSubnetIds,
        minSize: min,
        maxSize: max,
        desiredCapacity: desired,
        // The version number, not "$Latest": a new user data then changes the group's input,
        // which starts the rolling instance refresh.
        launchTemplate: {
          id: launchTemplate.id,
          version: launchTemplate.latestVersion.apply((v) => String(v)),
        },
        targetGroupArns: [targetGroup.arn, healthGroup.arn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: healthCheckGraceSeconds,
        defaultInstanceWarmup: 300,
        capacityRebalance: true,
        enabledMetrics: [
          "GroupDesiredCapacity",
          "GroupInServiceInstances",
          "GroupPendingInstances",
          "GroupTerminatingInstances",
          "GroupTotalInstances",
        ],
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90 } },
        tags: [{ key: "Name", value: `${name}-magento`, propagateAtLaunch: true }],
      },
      {
        parent: this,
        // After creation the failover automation owns the group's size (promotion scales it up,
        // the fence holds a fenced region down) and target tracking moves the desired size: a
        // deploy from a stack file not yet reconciled must not shrink a promoted region.
        ignoreChanges: ["desiredCapacity", "minSize"],
      },
    );
    new aws.autoscaling.Policy(
      `${name}-cpu`,
      {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          targetValue: 60,
        },
      },
      { parent: this },
    );

    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.albDnsName = alb.dnsName;
    this.albZoneId = alb.zoneId;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.autoScalingGroupName = group.name;
    this.autoScalingGroupArn = group.arn;
    this.instanceRoleArn = role.arn;
    this.registerOutputs({
      albDnsName: this.albDnsName,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }

  /**
   * The instances' health server (healthPaths.ts): nginx on HEALTH_PORT, answering without PHP.
   * The ALB forwards the shallow and serving paths to it through a target group of its own, so
   * they prove ALB + instances + nginx (a fixed-response rule would prove only the ALB) and do not
   * depend on how the AMI's Magento server block routes. Its own check is the shallow path: an
   * instance whose nginx is gone is unhealthy (and replaced, the group checking ELB health).
   * While Magento's target group has no healthy target, as in a database failover, this one
   * still answers: the ALB routes only to healthy targets of each group ("Health checks for
   * Application Load Balancer target groups", Elastic Load Balancing User Guide).
   */
  private healthServer(
    name: string,
    vpcId: pulumi.Input<string>,
    listenerArn: pulumi.Input<string>,
  ) {
    const group = new aws.lb.TargetGroup(
      `${name}-health`,
      {
        vpcId,
        port: HEALTH_PORT,
        protocol: "HTTP",
        targetType: "instance",
        deregistrationDelay: 30,
        healthCheck: targetHealthCheck(SHALLOW_HEALTH_PATH),
      },
      { parent: this },
    );
    new aws.lb.ListenerRule(
      `${name}-health`,
      {
        listenerArn,
        // Before any other rule: these two exact paths never reach Magento.
        priority: 1,
        conditions: [{ pathPattern: { values: [SHALLOW_HEALTH_PATH, SERVING_HEALTH_PATH] } }],
        actions: [{ type: "forward", targetGroupArn: group.arn }],
      },
      { parent: this },
    );
    return group;
  }

  /** ALB access logs: ALB only writes to SSE-S3 (AES256) buckets, never SSE-KMS. */
  private accessLogBucket(name: string, days: number, region: string) {
    const bucket = new aws.s3.Bucket(`${name}-alb-logs`, { forceDestroy: false }, { parent: this });
    new aws.s3.BucketPublicAccessBlock(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days } }],
      },
      { parent: this },
    );
    const writer = albLogWriter(region);
    const principal =
      writer.kind === "elb-account"
        ? { AWS: aws.elb.getServiceAccountOutput({}, { parent: this }).arn }
        : { Service: writer.service };
    const policy = new aws.s3.BucketPolicy(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AlbAccessLogs",
              Effect: "Allow",
              Principal: principal,
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucket.arn}/alb/AWSLogs/*`,
            },
            {
              Sid: "TlsOnly",
              Effect: "Deny",
              Principal: { AWS: "*" },
              Action: "s3:*",
              Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { parent: this },
    );
    return { bucket: bucket.bucket, policy };
  }

  /**
   * A certificate for the public name, validated through the hosted zone. Every region's stack
   * asks ACM for the same name, and ACM answers every region with the same validation record, so
   * the record is written with `allowOverwrite` instead of being owned by one stack.
   */
  private certificate(
    name: string,
    domainName: string,
    regionalName: string,
    hostedZoneId: pulumi.Input<string>,
  ) {
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      {
        domainName,
        subjectAlternativeNames: [regionalName],
        validationMethod: "DNS",
        keyAlgorithm: "EC_prime256v1",
      },
      { parent: this },
    );
    // One validation record per name on the certificate (the shop's name and the regional one).
    const records = [domainName, regionalName].map((certName, i) => {
      const option = certificate.domainValidationOptions.apply((options) => {
        const found = options.find((o) => o.domainName === certName);
        if (!found) throw new Error(`${name}: ACM returned no validation record for ${certName}`);
        return found;
      });
      return new aws.route53.Record(
        `${name}-cert-validation${i === 0 ? "" : "-regional"}`,
        {
          zoneId: hostedZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 60,
          allowOverwrite: true,
        },
        // The other regions' certificates validate (and renew) with the same record.
        { parent: this, retainOnDelete: true },
      );
    });
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert`,
      { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
      { parent: this },
    );
    return validation.certificateArn;
  }

  /** What an instance may do: read its own parameters and secrets, mount its file system. */
  private instanceRole(name: string, args: MagentoAppTierArgs) {
    const role = new aws.iam.Role(
      `${name}-instance`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "ec2.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
      { parent: this },
    );
    const statements: aws.types.input.iam.PolicyStatement[] = [
      {
        Sid: "ReadOwnParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        Resource: [args.parameterArn],
      },
      {
        // The bootstrap's own alarm metrics (EndpointRejected); PutMetricData has no resource
        // type, so the namespace condition is what scopes it ("Actions, resources, and condition
        // keys for Amazon CloudWatch": cloudwatch:namespace on PutMetricData).
        Sid: "PublishInstanceMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: ["*"],
        Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACES.instances } },
      },
      {
        Sid: "MountMedia",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: [args.fileSystem.resource],
        ...(args.fileSystem.condition ? { Condition: args.fileSystem.condition } : {}),
      },
    ];
    if (args.secretArns.length > 0) {
      statements.push(
        ...secretRead("ReadOwnSecrets", args.region, args.secretArns, args.secretsKey),
      );
    }
    if (args.authorityTableArn) {
      // The authority item only: an instance reads who is active, nothing of the audit.
      statements.push(
        onItems("ReadFailoverAuthority", ["dynamodb:GetItem"], args.authorityTableArn, [
          AUTHORITY_ITEM,
        ]),
      );
    }
    if (args.sessions) statements.push(...sessionStatements(args.sessions, args.region));
    new aws.iam.RolePolicy(
      `${name}-instance`,
      {
        role: role.id,
        policy: { Version: "2012-10-17", Statement: statements },
      },
      { parent: this },
    );
    return role;
  }
}

/**
 * Statement id of the session permissions: the policy pack's `sessions-role-names-table` finds
 * them by it.
 */
export const SESSIONS_STATEMENT_SID = "MagentoSessions";

/**
 * Magento's session items in the region's own replica of the sessions table, and nothing else:
 * the table by ARN, the handler's item actions, and only partition keys under the session prefix
 * (`dynamodb:LeadingKeys`, "Using IAM policy conditions for fine-grained access control",
 * Amazon DynamoDB Developer Guide). The table is encrypted with a customer managed key, so the
 * role may also use the region's keys, but only through DynamoDB in this region (`kms:ViaService`,
 * as in the key policy AWS documents for DynamoDB, and as AWS CDK's `grantReadWriteData` adds key
 * permissions for a table with a customer managed key); what it can reach that way is bounded by
 * the statement above. The replica's key is created by the home stack, so it is named by pattern.
 */
function sessionStatements(
  sessions: NonNullable<MagentoAppTierArgs["sessions"]>,
  region: string,
): aws.types.input.iam.PolicyStatement[] {
  const keys = pulumi
    .output(sessions.tableArn)
    .apply((arn) => `arn:aws:kms:${region}:${arn.split(":")[4]}:key/*`);
  return [
    {
      Sid: SESSIONS_STATEMENT_SID,
      Effect: "Allow",
      Action: sessions.actions,
      Resource: [sessions.tableArn],
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${sessions.keyPrefix}*`] },
      },
    },
    {
      Sid: `${SESSIONS_STATEMENT_SID}Key`,
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: [keys],
      Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    },
  ];
}
