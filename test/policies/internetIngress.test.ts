import * as aws from "@pulumi/aws";
import { internetIngressOnlyOnLoadBalancer } from "../../policies/rules/internetIngress";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  checkStack,
  Declared,
  preview,
  runStackPolicy,
  stackArgs,
  U,
} from "./util";

const web = (port: number) => ({
  protocol: "tcp",
  fromPort: port,
  toPort: port,
  cidrBlocks: ["0.0.0.0/0"],
  ipv6CidrBlocks: ["::/0"],
});
const fromAlb = { protocol: "tcp", fromPort: 80, toPort: 80, securityGroups: ["sg-alb"] };

function stack(lbGroups: unknown, appIngress: object[] = [fromAlb]): Declared[] {
  return [
    { cls: aws.ec2.SecurityGroup, name: "alb", props: { id: "sg-alb", ingress: [web(443)] } },
    { cls: aws.ec2.SecurityGroup, name: "app", props: { id: "sg-app", ingress: appIngress } },
    { cls: aws.lb.LoadBalancer, name: "alb", props: preview({ securityGroups: lbGroups }) },
  ];
}

describe("policies: internet ingress", () => {
  describe("internet-ingress-only-on-load-balancer", () => {
    it("passes internet ingress on the group the load balancer lists", () => {
      assertNoViolations(checkStack(internetIngressOnlyOnLoadBalancer, stack(["sg-alb"])));
    });

    it("ties the group by the engine's property dependencies when its id is unknown", () => {
      const args = stackArgs(stack([U]));
      const [alb, , lb] = args.resources;
      lb.propertyDependencies = { securityGroups: [alb] };
      assertNoViolations(runStackPolicy(internetIngressOnlyOnLoadBalancer, args));
    });

    it("flags internet ingress, on any port, on a group no load balancer uses", () => {
      assertViolation(
        checkStack(internetIngressOnlyOnLoadBalancer, stack(["sg-alb"], [fromAlb, web(80)])),
        [
          'ec2.SecurityGroup "app" must not admit the internet unless a load balancer uses it',
          "no aws.lb.LoadBalancer lists it",
        ],
      );
    });

    it("does not pass an internet-facing group when the load balancer's groups are unknown", () => {
      // The internet-facing group cannot be tied to the load balancer: unverifiable, not passed.
      const violations = checkStack(internetIngressOnlyOnLoadBalancer, stack([U]));
      assertUnverifiable(violations, "the load balancers' securityGroups");
    });

    it("does not pass or blame a group whose id is unknown while a listed id is untied", () => {
      const stackNoIds = stack(["sg-alb"]).map((r) =>
        r.cls === aws.ec2.SecurityGroup ? { ...r, props: { ...r.props, id: undefined } } : r,
      );
      assertUnverifiable(checkStack(internetIngressOnlyOnLoadBalancer, stackNoIds), "its id");
    });
  });
});
