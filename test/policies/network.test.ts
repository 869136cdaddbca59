import * as aws from "@pulumi/aws";
import {
  elasticacheInVpc,
  launchTemplateNoPublicIp,
  loadBalancerListenerHttpRedirects,
  loadBalancerListenerTlsPolicy,
  opensearchInVpc,
  rdsInstanceNotPublic,
  securityGroupNoPublicIngress,
} from "../../policies/rules/network";
import { cacheGroup, database, launchTemplate, searchDomain } from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

const albGroup = {
  vpcId: "vpc-1",
  ingress: [
    {
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: ["0.0.0.0/0"],
      ipv6CidrBlocks: ["::/0"],
    },
    { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
    { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["10.10.0.0/16"] },
  ],
};

const httpListener = {
  loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/1",
  protocol: "HTTP",
  port: 80,
  defaultActions: [
    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
  ],
};

const httpsListener = {
  loadBalancerArn: httpListener.loadBalancerArn,
  protocol: "HTTPS",
  port: 443,
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
};

describe("policies: network exposure", () => {
  describe("rds-instance-not-public", () => {
    it("passes a private instance", () => {
      assertNoViolations(check(rdsInstanceNotPublic, aws.rds.Instance, database));
    });

    it("flags a public one", () => {
      assertViolation(
        check(rdsInstanceNotPublic, aws.rds.Instance, { ...database, publiclyAccessible: true }),
        ["must not be publicly accessible", "publiclyAccessible is true"],
      );
    });
  });

  describe("security-group-no-public-ingress", () => {
    it("passes the ALB's 80/443 from anywhere and Redis from the VPC", () => {
      assertNoViolations(check(securityGroupNoPublicIngress, aws.ec2.SecurityGroup, albGroup));
    });

    it("flags SSH from the internet", () => {
      assertViolation(
        check(securityGroupNoPublicIngress, aws.ec2.SecurityGroup, {
          ...albGroup,
          ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
        }),
        [
          "must not open ports other than 80/443 to the internet",
          "ingress[0] allows tcp 22-22 from 0.0.0.0/0",
        ],
      );
    });

    it("flags all traffic from ::/0 in a separate rule resource", () => {
      assertViolation(
        check(securityGroupNoPublicIngress, aws.ec2.SecurityGroupRule, {
          type: "ingress",
          securityGroupId: "sg-1",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          ipv6CidrBlocks: ["::/0"],
        }),
        ["the rule allows all traffic from ::/0"],
      );
    });

    it("ignores egress rules", () => {
      assertNoViolations(
        check(securityGroupNoPublicIngress, aws.ec2.SecurityGroupRule, {
          type: "egress",
          securityGroupId: "sg-1",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        }),
      );
    });

    it("flags a port range in a vpc.SecurityGroupIngressRule", () => {
      assertViolation(
        check(securityGroupNoPublicIngress, aws.vpc.SecurityGroupIngressRule, {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        }),
        ["allows tcp 80-443 from 0.0.0.0/0"],
      );
    });

    it("takes an unknown CIDR for the VPC's range, and reports unknown ports on a public one", () => {
      assertNoViolations(
        check(
          securityGroupNoPublicIngress,
          aws.ec2.SecurityGroup,
          preview({ ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [U] }] }),
        ),
      );
      assertUnverifiable(
        check(
          securityGroupNoPublicIngress,
          aws.ec2.SecurityGroup,
          preview({
            ingress: [{ protocol: "tcp", fromPort: U, toPort: U, cidrBlocks: ["0.0.0.0/0"] }],
          }),
        ),
        "ingress[0] protocol and ports",
      );
    });
  });

  describe("launch-template-no-public-ip", () => {
    it("passes private interfaces", () => {
      assertNoViolations(check(launchTemplateNoPublicIp, aws.ec2.LaunchTemplate, launchTemplate));
    });

    it("flags a public IP", () => {
      assertViolation(
        check(launchTemplateNoPublicIp, aws.ec2.LaunchTemplate, {
          ...launchTemplate,
          networkInterfaces: [{ associatePublicIpAddress: "true" }],
        }),
        [
          "must not give instances a public IP",
          'networkInterfaces[0].associatePublicIpAddress is "true"',
        ],
      );
    });
  });

  describe("opensearch-in-vpc", () => {
    it("passes VPC subnets, known or not", () => {
      assertNoViolations(check(opensearchInVpc, aws.opensearch.Domain, searchDomain));
      assertNoViolations(
        check(
          opensearchInVpc,
          aws.opensearch.Domain,
          preview({ ...searchDomain, vpcOptions: { subnetIds: U } }),
        ),
      );
    });

    it("flags a public endpoint", () => {
      assertViolation(
        check(opensearchInVpc, aws.opensearch.Domain, { ...searchDomain, vpcOptions: undefined }),
        ["must be reachable only inside the VPC", "vpcOptions.subnetIds is not set"],
      );
    });
  });

  describe("elasticache-in-vpc", () => {
    it("passes a subnet group and security groups", () => {
      assertNoViolations(check(elasticacheInVpc, aws.elasticache.ReplicationGroup, cacheGroup));
    });

    it("flags the default subnet group", () => {
      assertViolation(
        check(elasticacheInVpc, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          subnetGroupName: undefined,
        }),
        ["must run in the VPC's private subnets"],
      );
    });

    it("flags missing security groups", () => {
      assertViolation(
        check(elasticacheInVpc, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          securityGroupIds: [],
        }),
        ["must be reachable only from the app tier", "securityGroupIds is []"],
      );
    });
  });

  describe("lb-listener-http-redirects", () => {
    it("passes an HTTP listener that redirects, and ignores HTTPS listeners", () => {
      assertNoViolations(check(loadBalancerListenerHttpRedirects, aws.lb.Listener, httpListener));
      assertNoViolations(check(loadBalancerListenerHttpRedirects, aws.lb.Listener, httpsListener));
    });

    it("flags an HTTP listener that forwards", () => {
      assertViolation(
        check(loadBalancerListenerHttpRedirects, aws.lb.Listener, {
          ...httpListener,
          defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
        }),
        ["must only redirect HTTP to HTTPS", 'defaultActions[0] is {"type":"forward"}'],
      );
    });

    it("reports an unknown protocol", () => {
      assertUnverifiable(
        check(
          loadBalancerListenerHttpRedirects,
          aws.lb.Listener,
          preview({ ...httpListener, protocol: U }),
        ),
        "protocol",
      );
    });
  });

  describe("lb-listener-tls-policy", () => {
    it("passes a TLS 1.3 policy", () => {
      assertNoViolations(check(loadBalancerListenerTlsPolicy, aws.lb.Listener, httpsListener));
    });

    it("flags the 2016 default", () => {
      assertViolation(
        check(loadBalancerListenerTlsPolicy, aws.lb.Listener, {
          ...httpsListener,
          sslPolicy: undefined,
        }),
        [
          "must use a current TLS policy",
          "sslPolicy is not set",
          "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ],
      );
    });
  });
});
