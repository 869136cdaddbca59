// The simulated cloud refuses what EC2 refuses, so neither the offline plan nor the engine tests
// accept a rule AWS would reject at `up`.
import * as assert from "assert";
import { MockCloud, UNKNOWN_MARKER } from "../plan/mockCloud";

const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

function create(cloud: MockCloud, type: string, name: string, inputs: Record<string, unknown>) {
  return cloud.newResource({ type, name, inputs, provider: "", custom: true });
}

describe("simulated cloud: EC2 rules", () => {
  const deployed = new MockCloud("us-east-1", {});
  const rule = { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443 };

  it("gives a gateway endpoint its service's prefix list, and an interface endpoint none", () => {
    const gateway = (service: string, name: string) =>
      create(deployed, "aws:ec2/vpcEndpoint:VpcEndpoint", name, {
        serviceName: service,
        vpcEndpointType: "Gateway",
      }).state.prefixListId;
    const dynamodb = gateway("com.amazonaws.us-east-1.dynamodb", "a");
    assert.match(String(dynamodb), /^pl-[0-9a-f]{8}$/);
    assert.strictEqual(gateway("com.amazonaws.us-east-1.dynamodb", "b"), dynamodb, "per service");
    assert.notStrictEqual(gateway("com.amazonaws.us-east-1.s3", "c"), dynamodb);
    const iface = create(deployed, "aws:ec2/vpcEndpoint:VpcEndpoint", "d", {
      serviceName: "com.amazonaws.us-east-1.ssm",
      vpcEndpointType: "Interface",
    });
    assert.strictEqual(iface.state.prefixListId, undefined);
  });

  it("refuses a security group rule with no destination or with two", () => {
    assert.throws(
      () => create(deployed, EGRESS, "none", { ...rule, prefixListId: undefined }),
      /rule "none" names no destination; EC2 needs exactly one of cidrIpv4/,
    );
    assert.throws(
      () =>
        create(deployed, EGRESS, "two", { ...rule, cidrIpv4: "0.0.0.0/0", prefixListId: "pl-1" }),
      /names cidrIpv4 and prefixListId destination/,
    );
    assert.throws(
      () =>
        create(deployed, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", rule),
      /names no destination/,
    );
    const ok = create(deployed, EGRESS, "one", { ...rule, referencedSecurityGroupId: "sg-2" });
    assert.match(String(ok.id), /^sgr-/);
  });

  it("counts a destination not yet known in a preview as named", () => {
    const preview = new MockCloud("us-east-1", {}, "preview");
    assert.doesNotThrow(() =>
      create(preview, EGRESS, "unknown", { ...rule, prefixListId: UNKNOWN_MARKER }),
    );
    assert.throws(() => create(preview, EGRESS, "none", rule), /names no destination/);
  });
});
