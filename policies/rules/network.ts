// NET: only the load balancer faces the internet; everything else is reachable from the VPC only.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { settings, stringList } from "../lib/config";
import { Subject } from "../lib/subject";
import { known, knownList, Maybe, snapshot, UNKNOWN } from "../lib/values";

export const rdsInstanceNotPublic: ResourceValidationPolicy = {
  name: "rds-instance-not-public",
  description: "RDS instances are not publicly accessible.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    new Subject(args, report).expect({
      property: "publiclyAccessible",
      read: () => db.publiclyAccessible,
      ok: (v) => v !== true,
      must: "must not be publicly accessible",
      fix: "Remove publiclyAccessible: true and place the instance in isolated subnets.",
    });
  }),
};

export const PUBLIC_CIDRS = ["0.0.0.0/0", "::/0"];

const ingressSchema = {
  properties: {
    allowedPublicPorts: {
      type: "array" as const,
      items: { type: "integer" as const },
      default: [80, 443],
      description: "TCP ports that may be open to the internet (the ALB's listeners).",
    },
  },
};

interface IngressRule {
  where: string;
  cidrs: Maybe<Maybe<string>[]> | undefined;
  protocol: Maybe<string | undefined>;
  fromPort: Maybe<number | undefined>;
  toPort: Maybe<number | undefined>;
}

/** The fields aws.ec2.SecurityGroup's ingress entries and aws.ec2.SecurityGroupRule share. */
interface PlainIngress {
  cidrBlocks?: Maybe<Maybe<string>[]>;
  ipv6CidrBlocks?: Maybe<Maybe<string>[]>;
  protocol?: Maybe<string | number>;
  fromPort?: Maybe<number>;
  toPort?: Maybe<number>;
}

/** An ingress rule from a `snapshot` of one of those. */
export function ingressRule(where: string, plain: unknown): IngressRule {
  if (plain === UNKNOWN) {
    return { where, cidrs: UNKNOWN, protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN };
  }
  const rule = plain as PlainIngress;
  const lists = [rule.cidrBlocks, rule.ipv6CidrBlocks];
  return {
    where,
    cidrs: lists.includes(UNKNOWN)
      ? UNKNOWN
      : lists.flatMap((list) => (Array.isArray(list) ? list : [])),
    // Terraform also accepts protocol numbers ("6" is TCP).
    protocol: rule.protocol === UNKNOWN ? UNKNOWN : rule.protocol?.toString(),
    fromPort: rule.fromPort,
    toPort: rule.toPort,
  };
}

function checkPublicIngress(subject: Subject, rule: IngressRule, allowedPorts: number[]): void {
  const must = `must not open ports other than ${allowedPorts.join("/")} to the internet`;
  if (rule.cidrs === UNKNOWN) return subject.cannotVerify(must, `${rule.where} CIDR blocks`);
  // An unknown CIDR is another resource's output (a VPC's range); the public ranges are literals.
  const publicCidrs = (rule.cidrs ?? []).filter(
    (c): c is string => c !== UNKNOWN && PUBLIC_CIDRS.includes(c),
  );
  if (publicCidrs.length === 0) return;
  const { protocol, fromPort, toPort } = rule;
  if (protocol === UNKNOWN || fromPort === UNKNOWN || toPort === UNKNOWN) {
    return subject.cannotVerify(must, `${rule.where} protocol and ports`);
  }
  const tcp = protocol === "tcp" || protocol === "6";
  if (tcp && fromPort !== undefined && fromPort === toPort && allowedPorts.includes(fromPort))
    return;
  const ports =
    protocol === "-1" || protocol === "all" ? "all traffic" : `${protocol} ${fromPort}-${toPort}`;
  subject.fail(
    must,
    `${rule.where} allows ${ports} from ${publicCidrs.join(", ")}`,
    "Allow the source security group (the ALB's, or the app tier's) instead of a public CIDR.",
  );
}

export const securityGroupNoPublicIngress: ResourceValidationPolicy = {
  name: "security-group-no-public-ingress",
  description: "Security groups open only the ALB's HTTP/HTTPS ports to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "advisory",
  configSchema: ingressSchema,
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (group, args, report) => {
      const { allowedPublicPorts } = settings<{ allowedPublicPorts: number[] }>(
        args,
        ingressSchema,
      );
      const subject = new Subject(args, report);
      const rules = snapshot(() => group.ingress);
      if (rules === UNKNOWN) {
        return subject.cannotVerify("must not open private ports to the internet", "ingress");
      }
      (Array.isArray(rules) ? rules : []).forEach((rule, i) =>
        checkPublicIngress(subject, ingressRule(`ingress[${i}]`, rule), allowedPublicPorts),
      );
    }),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, args, report) => {
      const { allowedPublicPorts } = settings<{ allowedPublicPorts: number[] }>(
        args,
        ingressSchema,
      );
      if (known(() => rule.type) === "egress") return;
      const subject = new Subject(args, report);
      checkPublicIngress(
        subject,
        ingressRule(
          "the rule",
          snapshot(() => rule),
        ),
        allowedPublicPorts,
      );
    }),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, args, report) => {
      const { allowedPublicPorts } = settings<{ allowedPublicPorts: number[] }>(
        args,
        ingressSchema,
      );
      const v4 = known(() => rule.cidrIpv4);
      const v6 = known(() => rule.cidrIpv6);
      checkPublicIngress(
        new Subject(args, report),
        {
          where: "the rule",
          cidrs: [v4, v6].filter((c) => c !== undefined) as Maybe<string>[],
          protocol: known(() => rule.ipProtocol),
          fromPort: known(() => rule.fromPort),
          toPort: known(() => rule.toPort),
        },
        allowedPublicPorts,
      );
    }),
  ],
};

export const launchTemplateNoPublicIp: ResourceValidationPolicy = {
  name: "launch-template-no-public-ip",
  description: "Launch templates do not give instances public IP addresses.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, report) => {
    const subject = new Subject(args, report);
    const must = "must not give instances a public IP";
    const interfaces = knownList(() => template.networkInterfaces);
    if (interfaces === UNKNOWN) return subject.cannotVerify(must, "networkInterfaces");
    (interfaces ?? []).forEach((nic, i) =>
      subject.expect({
        property: `networkInterfaces[${i}].associatePublicIpAddress`,
        read: () => (nic === UNKNOWN ? nic : nic.associatePublicIpAddress),
        ok: (v) => String(v) !== "true",
        must,
        fix: "Remove associatePublicIpAddress; instances reach the internet through the NAT gateways.",
      }),
    );
  }),
};

export const opensearchInVpc: ResourceValidationPolicy = {
  name: "opensearch-in-vpc",
  description: "OpenSearch domains are deployed inside the VPC.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    new Subject(args, report).expectSet(
      "vpcOptions.subnetIds",
      () => domain.vpcOptions?.subnetIds,
      "must be reachable only inside the VPC",
      "Set vpcOptions: { subnetIds, securityGroupIds } with the private subnets, one per AZ.",
    );
  }),
};

export const elasticacheInVpc: ResourceValidationPolicy = {
  name: "elasticache-in-vpc",
  description: "ElastiCache replication groups use a subnet group of the VPC's private subnets.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      const subject = new Subject(args, report);
      subject.expectSet(
        "subnetGroupName",
        () => group.subnetGroupName,
        "must run in the VPC's private subnets",
        "Set subnetGroupName to an aws.elasticache.SubnetGroup of the private subnets (the default VPC is not the platform's).",
      );
      subject.expectSet(
        "securityGroupIds",
        () => group.securityGroupIds,
        "must be reachable only from the app tier",
        "Set securityGroupIds to a group that admits the app tier's security group on the Redis port.",
      );
    },
  ),
};

export const loadBalancerListenerHttpRedirects: ResourceValidationPolicy = {
  name: "lb-listener-http-redirects",
  description: "Plain-HTTP listeners only redirect to HTTPS.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lb.Listener, (listener, args, report) => {
    const protocol = known(() => listener.protocol);
    const subject = new Subject(args, report);
    const must = "must only redirect HTTP to HTTPS";
    if (protocol === UNKNOWN) return subject.cannotVerify(must, "protocol");
    if (protocol !== "HTTP") return;
    const actions = knownList(() => listener.defaultActions);
    if (actions === UNKNOWN) return subject.cannotVerify(must, "defaultActions");
    (actions ?? []).forEach((action, i) =>
      subject.expect({
        property: `defaultActions[${i}]`,
        read: () =>
          action === UNKNOWN ? action : { type: action.type, protocol: action.redirect?.protocol },
        ok: (a) => a.type === "redirect" && a.protocol === "HTTPS",
        must,
        fix: 'Use { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.',
      }),
    );
  }),
};

const sslSchema = {
  properties: {
    allowedSslPolicyPrefixes: stringList(
      "Accepted ELB security policy name prefixes (TLS 1.3 policies).",
      ["ELBSecurityPolicy-TLS13-"],
    ),
  },
};

export const loadBalancerListenerTlsPolicy: ResourceValidationPolicy = {
  name: "lb-listener-tls-policy",
  description: "HTTPS listeners use a current TLS 1.3 security policy.",
  enforcementLevel: "advisory",
  configSchema: sslSchema,
  validateResource: validateResourceOfType(aws.lb.Listener, (listener, args, report) => {
    const { allowedSslPolicyPrefixes } = settings<{ allowedSslPolicyPrefixes: string[] }>(
      args,
      sslSchema,
    );
    const subject = new Subject(args, report);
    const must = "must use a current TLS policy";
    const protocol = known(() => listener.protocol);
    if (protocol === UNKNOWN) return subject.cannotVerify(must, "protocol");
    if (protocol !== "HTTPS" && protocol !== "TLS") return;
    subject.expect({
      property: "sslPolicy",
      read: () => listener.sslPolicy,
      // Unset, the listener gets ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
      ok: (v) => v !== undefined && allowedSslPolicyPrefixes.some((prefix) => v.startsWith(prefix)),
      must,
      fix: 'Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06".',
    });
  }),
};

export const networkPolicies = [
  rdsInstanceNotPublic,
  securityGroupNoPublicIngress,
  launchTemplateNoPublicIp,
  opensearchInVpc,
  elasticacheInVpc,
  loadBalancerListenerHttpRedirects,
  loadBalancerListenerTlsPolicy,
];
