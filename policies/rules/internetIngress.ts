// NET: only the load balancer faces the internet. security-group-no-public-ingress limits public
// ingress to the web ports on any group; this rule limits it to the groups the load balancers use.
// Which group that is: the group's id in an aws.lb.LoadBalancer's securityGroups, or, when the id is
// unknown during preview, the group the engine records as a dependency of that input
// (PolicyResource.propertyDependencies; the offline plan records them from the same
// RegisterResource requests). A group the rule cannot tie to a load balancer is reported as
// unverifiable, never passed.
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ofType } from "../lib/stack";
import { Subject } from "../lib/subject";
import { knownList, snapshot, UNKNOWN } from "../lib/values";
import { ingressRule, PUBLIC_CIDRS } from "./network";

/** Whether any inline ingress entry admits a public CIDR; UNKNOWN if that cannot be told. */
function opensToInternet(group: PolicyResource): boolean | typeof UNKNOWN {
  const rules = snapshot(() => group.props["ingress"]);
  if (rules === UNKNOWN) return UNKNOWN;
  let unknown = false;
  for (const [i, plain] of (Array.isArray(rules) ? rules : []).entries()) {
    const { cidrs } = ingressRule(`ingress[${i}]`, plain);
    if (cidrs === UNKNOWN) unknown = true;
    else if ((cidrs ?? []).some((c) => c !== UNKNOWN && PUBLIC_CIDRS.includes(c))) return true;
  }
  return unknown ? UNKNOWN : false;
}

export const internetIngressOnlyOnLoadBalancer: StackValidationPolicy = {
  name: "internet-ingress-only-on-load-balancer",
  description: "Only security groups used by a load balancer admit 0.0.0.0/0 or ::/0, on any port.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const balancers = ofType(args.resources, aws.lb.LoadBalancer);
    const ids = new Set<string>();
    let unresolved = false;
    for (const lb of balancers) {
      const groups = knownList(() => lb.props.securityGroups);
      const deps = lb.resource.propertyDependencies["securityGroups"] ?? [];
      deps.forEach((d) => ids.add(d.urn));
      if (groups === UNKNOWN) unresolved ||= deps.length === 0;
      for (const g of groups === UNKNOWN ? [] : (groups ?? [])) {
        if (g === UNKNOWN) unresolved ||= deps.length === 0;
        else ids.add(g);
      }
    }
    const groups = ofType(args.resources, aws.ec2.SecurityGroup).map((g) => g.resource);
    const idOf = (g: PolicyResource) => {
      const id = snapshot(() => g.props["id"]);
      return typeof id === "string" && id !== "" ? id : undefined;
    };
    // Ids a load balancer lists that no group with a known id has: one of the groups whose id is
    // not known (the offline plan records inputs only) may be the one.
    const untied = [...ids].filter((id) => !groups.some((g) => g.urn === id || idOf(g) === id));
    for (const group of groups) {
      const open = opensToInternet(group);
      const subject = new Subject(group, report);
      const must = "must not admit the internet unless a load balancer uses it";
      if (open === UNKNOWN) {
        subject.cannotVerify(must, "ingress CIDR blocks");
        continue;
      }
      if (!open) continue;
      const id = idOf(group);
      if (ids.has(group.urn) || (id !== undefined && ids.has(id))) continue;
      if (unresolved) {
        subject.cannotVerify(must, "the load balancers' securityGroups");
        continue;
      }
      if (id === undefined && untied.length > 0) {
        subject.cannotVerify(must, "its id");
        continue;
      }
      subject.fail(
        must,
        "its ingress admits 0.0.0.0/0 or ::/0 and no aws.lb.LoadBalancer lists it in securityGroups",
        "Admit the load balancer's security group as the source instead of a public CIDR.",
      );
    }
  },
};

export const internetIngressPolicies = [internetIngressOnlyOnLoadBalancer];
