// NET, egress: no security group lets traffic out to the whole internet except HTTPS, and none
// lets every protocol out to any address range. Ports other than 443 go to named security groups
// or prefix lists, so a redirected endpoint cannot carry Redis, MySQL or NFS traffic off the VPC.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Subject } from "../lib/subject";
import { known, show, UNKNOWN } from "../lib/values";

const MUST = "must not open egress to the internet except TCP 443, nor every protocol to any range";
const PUBLIC = new Set(["0.0.0.0/0", "::/0"]);

interface EgressShape {
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  ranges: unknown[];
}

function judge(subject: Subject, where: string, rule: EgressShape): void {
  const values = [rule.protocol, rule.fromPort, rule.toPort, ...rule.ranges];
  if (values.some((v) => v === UNKNOWN)) return subject.cannotVerify(MUST, where);
  const ranges = rule.ranges.filter((r): r is string => typeof r === "string" && r !== "");
  if (ranges.length === 0) return; // a security group or prefix list: named destinations
  const protocol = String(rule.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") {
    return subject.fail(
      MUST,
      `${where} allows every protocol to ${show(ranges)}`,
      "Open each port to the security group or prefix list that needs it (TIER_PORTS in components/network.ts).",
    );
  }
  const httpsOnly =
    (protocol === "tcp" || protocol === "6") && rule.fromPort === 443 && rule.toPort === 443;
  const open = ranges.filter((r) => PUBLIC.has(r));
  if (open.length > 0 && !httpsOnly) {
    subject.fail(
      MUST,
      `${where} opens ${protocol} ${show(rule.fromPort)}-${show(rule.toPort)} to ${show(open)}`,
      "Keep internet egress to TCP 443; send data-store ports to their security groups.",
    );
  }
}

export const securityGroupEgressRestricted: ResourceValidationPolicy = {
  name: "security-group-egress-restricted",
  description:
    "Security groups open egress to the internet only for TCP 443, and never every protocol to an address range.",
  enforcementLevel: "advisory",
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (props, args, report) => {
      const subject = new Subject(args, report);
      const egress = known(() => props.egress);
      if (egress === UNKNOWN) return subject.cannotVerify(MUST, "egress");
      (egress ?? []).forEach((rule, i) =>
        judge(subject, `egress[${i}]`, {
          protocol: known(() => rule.protocol),
          fromPort: known(() => rule.fromPort),
          toPort: known(() => rule.toPort),
          ranges: [
            ...((known(() => rule.cidrBlocks) as unknown[] | typeof UNKNOWN) === UNKNOWN
              ? [UNKNOWN]
              : (rule.cidrBlocks ?? [])),
            ...((known(() => rule.ipv6CidrBlocks) as unknown[] | typeof UNKNOWN) === UNKNOWN
              ? [UNKNOWN]
              : (rule.ipv6CidrBlocks ?? [])),
          ],
        }),
      );
    }),
    validateResourceOfType(aws.vpc.SecurityGroupEgressRule, (props, args, report) => {
      judge(new Subject(args, report), "the rule", {
        protocol: known(() => props.ipProtocol),
        fromPort: known(() => props.fromPort),
        toPort: known(() => props.toPort),
        ranges: [known(() => props.cidrIpv4), known(() => props.cidrIpv6)],
      });
    }),
  ],
};

export const egressPolicies = [securityGroupEgressRestricted];
