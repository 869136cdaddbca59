// The foundation of both region stacks, planned under Pulumi's mocks from their own stack files.
import * as assert from "assert";
import { INTERFACE_ENDPOINT_SERVICES } from "../components/network";
import { ALB_TLS_POLICY } from "../components/appTier";
import { HEALTH_PORT, SERVING_HEALTH_PATH, SHALLOW_HEALTH_PATH } from "../components/healthPaths";
import { runProgram, PlannedResource } from "../plan/runProgram";
import { readStackConfig } from "../plan/stackConfig";
import { one, ofType, planOf, urns, userDataOf } from "./helpers/plan";

const SG = "aws:ec2/securityGroup:SecurityGroup";

describe("foundation: network", () => {
  it("builds a three-AZ VPC with public, private and isolated subnets and a NAT gateway per AZ", async () => {
    const plan = await planOf("prod-use1");
    const vpc = one(plan, "awsx:ec2:Vpc");
    assert.strictEqual(vpc.inputs.numberOfAvailabilityZones, 3);
    assert.strictEqual(vpc.inputs.cidrBlock, "10.10.0.0/16");
    assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
    assert.deepStrictEqual(
      vpc.inputs.subnetSpecs.map((s: { type: string }) => s.type),
      ["Public", "Private", "Isolated"],
    );
  });

  it("has an interface endpoint per AWS API the Lambdas call and a DynamoDB gateway endpoint", async () => {
    const plan = await planOf("prod-euw1");
    const endpoints = ofType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint");
    const interfaces = endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface");
    assert.deepStrictEqual(
      interfaces.map((e) => e.inputs.serviceName).sort(),
      INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`).sort(),
    );
    assert.ok(
      interfaces.every(
        (e) => e.inputs.privateDnsEnabled === true && e.inputs.subnetIds.length === 3,
      ),
    );
    const gateway = endpoints.filter((e) => e.inputs.vpcEndpointType === "Gateway");
    assert.strictEqual(gateway.length, 1);
    assert.strictEqual(gateway[0].inputs.serviceName, "com.amazonaws.eu-west-1.dynamodb");
    assert.ok(gateway[0].inputs.routeTableIds.length > 0);
  });

  it("opens the internet only to the ALB, on 80 and 443, and each data tier only to the app and Lambdas", async () => {
    const plan = await planOf("prod-use1");
    const groups = ofType(plan, SG);
    assert.strictEqual(groups.length, 8);
    for (const group of groups) {
      for (const rule of group.inputs.ingress ?? []) {
        if ((rule.cidrBlocks ?? []).includes("0.0.0.0/0")) {
          assert.ok(group.name.endsWith("-alb"), `${group.name} admits the internet`);
          assert.ok([80, 443].includes(rule.fromPort) && rule.fromPort === rule.toPort);
        }
      }
    }
    const app = one(plan, SG, "-app");
    const db = one(plan, SG, "-db");
    assert.strictEqual(db.inputs.ingress.length, 1);
    assert.strictEqual(db.inputs.ingress[0].fromPort, 3306);
    assert.strictEqual(db.inputs.ingress[0].securityGroups.length, 2);
    assert.strictEqual(db.inputs.ingress[0].cidrBlocks, undefined);
    // Magento on 80 and the health server (nginx, no PHP) on HEALTH_PORT, both from the ALB only.
    assert.deepStrictEqual(
      app.inputs.ingress.map((r: { fromPort: number }) => r.fromPort),
      [80, HEALTH_PORT],
    );
    for (const rule of app.inputs.ingress) {
      assert.strictEqual(rule.securityGroups.length, 1, "only the ALB reaches the app");
      assert.strictEqual(rule.cidrBlocks, undefined);
    }
    const alb = one(plan, SG, "-alb");
    assert.deepStrictEqual(
      alb.inputs.egress.map((r: { fromPort: number }) => r.fromPort),
      [80, HEALTH_PORT],
    );
    const cache = one(plan, SG, "-cache");
    assert.strictEqual(cache.inputs.ingress[0].fromPort, 6379);
    const efs = one(plan, SG, "-efs");
    assert.strictEqual(efs.inputs.ingress[0].fromPort, 2049);
    assert.strictEqual(
      efs.inputs.ingress[0].securityGroups.length,
      1,
      "only the app tier mounts EFS",
    );
  });
});

describe("foundation: Magento application tier", () => {
  it("launches hardened instances: IMDSv2 only, hop limit 1, encrypted gp3, no public IP", async () => {
    const plan = await planOf("prod-use1");
    const template = one(plan, "aws:ec2/launchTemplate:LaunchTemplate");
    assert.deepStrictEqual(template.inputs.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    });
    const ebs = template.inputs.blockDeviceMappings[0].ebs;
    assert.deepStrictEqual([ebs.volumeType, ebs.encrypted], ["gp3", "true"]);
    assert.strictEqual(template.inputs.networkInterfaces[0].associatePublicIpAddress, "false");
    assert.strictEqual(template.inputs.monitoring.enabled, true);
    assert.strictEqual(template.inputs.imageId, "ami-0a1b2c3d4e5f60718");
    const userData = userDataOf(plan);
    assert.match(userData, /PARAM_PATH='\/magento-dr\/prod-use1\/'/);
    assert.match(userData, /exec \/usr\/local\/bin\/magento-dr boot/);
  });

  it("puts the ALB on the public subnets with HTTPS, an HTTP listener that only redirects, and access logs", async () => {
    const plan = await planOf("prod-use1");
    const alb = one(plan, "aws:lb/loadBalancer:LoadBalancer");
    assert.strictEqual(alb.inputs.subnets.length, 3);
    assert.strictEqual(alb.inputs.dropInvalidHeaderFields, true);
    assert.strictEqual(alb.inputs.enableDeletionProtection, true);
    assert.strictEqual(alb.inputs.accessLogs.enabled, true);
    const http = one(plan, "aws:lb/listener:Listener", "-http");
    assert.deepStrictEqual(http.inputs.defaultActions, [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    const https = one(plan, "aws:lb/listener:Listener", "-https");
    assert.strictEqual(https.inputs.protocol, "HTTPS");
    assert.strictEqual(https.inputs.sslPolicy, ALB_TLS_POLICY);
    assert.ok(https.inputs.certificateArn.startsWith("arn:aws:acm:us-east-1:"));
    const sse = one(
      plan,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.strictEqual(
      sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
      "AES256",
    );
    const validation = one(plan, "aws:route53/record:Record", "-cert-validation");
    assert.strictEqual(
      validation.inputs.allowOverwrite,
      true,
      "both regions write the same ACM record",
    );
  });

  it("runs the Auto Scaling group over three private subnets with ELB health checks", async () => {
    const plan = await planOf("prod-use1");
    const group = one(plan, "aws:autoscaling/group:Group");
    assert.strictEqual(group.inputs.vpcZoneIdentifiers.length, 3);
    assert.strictEqual(group.inputs.healthCheckType, "ELB");
    assert.ok(group.inputs.healthCheckGracePeriod > 0);
    assert.deepStrictEqual(group.ignoreChanges, ["desiredCapacity", "minSize"]);
    assert.strictEqual(
      group.inputs.launchTemplate.version,
      "1",
      "a version number, so new user data rolls out",
    );
    // The group replaces instances on ELB health: Magento's target group checks the health
    // server's PHP-FPM ping, never health_check.php (which fails during a database failover).
    assert.strictEqual(group.inputs.healthCheckType, "ELB");
    const targetGroup = one(plan, "aws:lb/targetGroup:TargetGroup", "-web");
    assert.deepStrictEqual(
      [
        targetGroup.inputs.port,
        targetGroup.inputs.healthCheck.path,
        targetGroup.inputs.healthCheck.port,
      ],
      [80, "/dr-app", "8081"],
    );
  });

  it("forwards the shallow and serving paths to the instances' health server, never to Magento", async () => {
    const plan = await planOf("prod-use1");
    const health = one(plan, "aws:lb/targetGroup:TargetGroup", "-health");
    assert.deepStrictEqual(
      [health.inputs.port, health.inputs.protocol, health.inputs.healthCheck.path],
      [HEALTH_PORT, "HTTP", SHALLOW_HEALTH_PATH],
    );
    const rule = one(plan, "aws:lb/listenerRule:ListenerRule", "-health");
    // On the HTTPS listener (the mocks name an ARN after its resource).
    assert.match(String(rule.inputs.listenerArn), /-https/);
    assert.deepStrictEqual(rule.inputs.conditions, [
      { pathPattern: { values: [SHALLOW_HEALTH_PATH, SERVING_HEALTH_PATH] } },
    ]);
    assert.strictEqual(rule.inputs.actions[0].type, "forward");
    assert.strictEqual(rule.inputs.priority, 1);
    // The group registers its instances with both target groups.
    const group = one(plan, "aws:autoscaling/group:Group");
    assert.strictEqual(group.inputs.targetGroupArns.length, 2);
  });

  const capacity = (r: PlannedResource) => [
    r.inputs.minSize,
    r.inputs.desiredCapacity,
    r.inputs.maxSize,
  ];
  it("sizes the group from activeRegion: active, pilot light, warm", async () => {
    const asg = "aws:autoscaling/group:Group";
    assert.deepStrictEqual(capacity(one(await planOf("prod-use1"), asg)), [2, 3, 12]);
    assert.deepStrictEqual(capacity(one(await planOf("prod-euw1"), asg)), [0, 0, 12]);
    assert.deepStrictEqual(
      capacity(one(await planOf("prod-euw1", ["standby=warm"]), asg)),
      [1, 1, 12],
    );
    assert.deepStrictEqual(
      capacity(one(await planOf("prod-euw1", ["activeRegion=eu-west-1"]), asg)),
      [2, 3, 12],
    );
    assert.deepStrictEqual(
      capacity(one(await planOf("prod-use1", ["activeRegion=eu-west-1"]), asg)),
      [0, 0, 12],
    );
  });

  it("lets instances read only their own parameter path, secrets and file system", async () => {
    const plan = await planOf("prod-euw1");
    const policy = JSON.parse(
      one(plan, "aws:iam/rolePolicy:RolePolicy", "-app-instance").inputs.policy,
    );
    // Only PutMetricData (no resource type) is on "*", scoped by its namespace condition.
    const resources = policy.Statement.filter(
      (s: { Sid: string }) => s.Sid !== "PublishInstanceMetrics",
    ).flatMap((s: { Resource: string[] }) => s.Resource);
    assert.ok(!resources.includes("*"));
    const ssm = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadOwnParameters");
    assert.deepStrictEqual(ssm.Resource, [
      "arn:aws:ssm:eu-west-1:123456789012:parameter/magento-dr/prod-euw1/*",
    ]);
    const appTier = one(plan, "magento-dr:app:MagentoAppTier");
    const attachments = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepStrictEqual(
      attachments.filter((a) => a.parent === appTier.urn),
      [],
      "no managed policy on instances",
    );
  });
});

describe("foundation: global DNS", () => {
  it("gives the home region the PRIMARY record and the next region the SECONDARY, each health checked", async () => {
    for (const [stack, role, region] of [
      ["prod-use1", "PRIMARY", "us-east-1"],
      ["prod-euw1", "SECONDARY", "eu-west-1"],
    ]) {
      const plan = await planOf(stack);
      const record = one(plan, "aws:route53/record:Record", `-dns-${role.toLowerCase()}`);
      assert.deepStrictEqual(record.inputs.failoverRoutingPolicies, [{ type: role }]);
      assert.strictEqual(record.inputs.name, "shop.example.com");
      assert.strictEqual(record.inputs.aliases[0].evaluateTargetHealth, true);
      assert.strictEqual(record.inputs.setIdentifier, `${region}-${role.toLowerCase()}`);
      const check = one(plan, "aws:route53/healthCheck:HealthCheck", "-dns-alb");
      assert.strictEqual(record.inputs.healthCheckId !== undefined, true);
      assert.deepStrictEqual(
        [
          check.inputs.type,
          check.inputs.requestInterval,
          check.inputs.failureThreshold,
          check.inputs.measureLatency,
        ],
        ["HTTPS", 10, 3, true],
      );
      // The serving path: nginx without PHP, 503 while the region is in maintenance.
      assert.strictEqual(check.inputs.resourcePath, SERVING_HEALTH_PATH);
      assert.strictEqual(check.inputs.fqdn, record.inputs.aliases[0].name);
    }
  });

  it("makes the standby stack depend on the home stack only, through one StackReference", async () => {
    const home = await planOf("prod-use1");
    assert.strictEqual(ofType(home, "pulumi:pulumi:StackReference").length, 0);
    const standby = await planOf("prod-euw1");
    const reference = one(standby, "pulumi:pulumi:StackReference");
    assert.strictEqual(reference.inputs.name, "acme/magento-dr/prod-use1");
  });
});

describe("foundation: ownership invariant", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack} has the same URNs whichever region is active`, async () => {
      // Both stack files have activeRegion = us-east-1.
      const whenUse1 = urns(await planOf(stack));
      const whenEuw1 = urns(await planOf(stack, ["activeRegion=eu-west-1"]));
      assert.ok(whenUse1.length > 40);
      assert.deepStrictEqual(whenEuw1, whenUse1);
    });
  }

  it("a third region is one more stack file: no failover record, its own media file system", async () => {
    const { project, config } = readStackConfig("prod-euw1");
    const run = await runProgram({
      project,
      stack: "prod-usw2",
      config: {
        ...config,
        "aws:region": "us-west-2",
        "magento-dr:regions": JSON.stringify(["us-east-1", "eu-west-1", "us-west-2"]),
        "magento-dr:vpcCidr": "10.30.0.0/16",
      },
      peerStacks: { "acme/magento-dr/prod-use1": (await planOf("prod-use1")).run.outputs },
    });
    assert.strictEqual(
      run.resources.filter(
        (r) => r.type === "aws:route53/record:Record" && r.inputs.failoverRoutingPolicies,
      ).length,
      0,
    );
    assert.strictEqual(
      run.resources.filter((r) => r.type === "aws:efs/fileSystem:FileSystem").length,
      1,
    );
  });

  it("fails clearly when the home stack lacks an output the standby reads", async () => {
    const { project, config } = readStackConfig("prod-euw1");
    const { mediaReplicaFileSystemId: _omitted, ...incomplete } = (await planOf("prod-use1")).run
      .outputs;
    await assert.rejects(
      runProgram({
        project,
        stack: "prod-euw1",
        config,
        peerStacks: { "acme/magento-dr/prod-use1": incomplete },
      }),
      /home stack acme\/magento-dr\/prod-use1 has no output "mediaReplicaFileSystemId": deploy the home stack first/,
    );
  });
});
