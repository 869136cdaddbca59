// Create-time rules AWS enforces that Pulumi's mocks would accept: each is cited where the
// program obeys it.
import * as assert from "assert";
import { KNOWN_REGIONS, parseConfig } from "../config";
import {
  albLogWriter,
  LEGACY_ELB_ACCOUNT_REGIONS,
  LOG_DELIVERY_PRINCIPAL,
} from "../components/albLogDelivery";
import { readStackConfig } from "../plan/stackConfig";
import { ofType, planOf } from "./helpers/plan";

describe("AWS create-time constraints", () => {
  describe("ALB access-log bucket policy", () => {
    it("grants the legacy ELB account where one exists, the log delivery principal elsewhere", () => {
      assert.deepStrictEqual(albLogWriter("us-east-1"), { kind: "elb-account" });
      // Zurich and Spain opened in November 2022: no Elastic Load Balancing account there.
      for (const region of ["eu-central-2", "eu-south-2"]) {
        assert.deepStrictEqual(albLogWriter(region), {
          kind: "service",
          service: LOG_DELIVERY_PRINCIPAL,
        });
      }
      const newer = KNOWN_REGIONS.filter((r) => !LEGACY_ELB_ACCOUNT_REGIONS.has(r));
      assert.deepStrictEqual(newer, ["eu-central-2", "eu-south-2"]);
    });

    it("prod-use1's bucket policy names the ELB account for us-east-1", async () => {
      const plan = await planOf("prod-use1");
      const policy = plan.run.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy")!;
      const doc = JSON.parse(policy.inputs.policy);
      const logs = doc.Statement.find((s: { Sid: string }) => s.Sid === "AlbAccessLogs");
      assert.deepStrictEqual(logs.Principal, { AWS: "arn:aws:iam::127311923021:root" });
    });
  });

  describe("policy documents", () => {
    // "You specify a resource using an Amazon Resource Name (ARN) ... you always use an ARN to
    // identify a resource", or `*` where a service has no resource-level permissions ("IAM JSON
    // policy elements: Resource", IAM User Guide); IAM refuses any other value when the policy is
    // put (MalformedPolicyDocument), and no wildcard may stand for the service. An ARN builder
    // that yields "undefined" or "" is accepted by Pulumi's mocks, so it is checked here.
    const ARN = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:[^\s]+$/;
    type Statement = { Sid?: string; Effect?: unknown; Resource?: unknown; NotResource?: unknown };
    /** Every policy statement in `value` (documents held as JSON strings or as objects). */
    const statementsIn = (value: unknown, where: string, out: [string, Statement][]): void => {
      if (typeof value === "string") {
        if (!value.includes('"Statement"')) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          return;
        }
        statementsIn(parsed, where, out);
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => statementsIn(v, `${where}[${i}]`, out));
      } else if (value && typeof value === "object") {
        const doc = value as Record<string, unknown>;
        if (doc.Statement !== undefined) {
          const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
          list.forEach((st: Statement, i: number) => out.push([`${where}.Statement[${i}]`, st]));
          return;
        }
        for (const [k, v] of Object.entries(doc)) statementsIn(v, `${where}.${k}`, out);
      }
    };

    for (const stack of ["prod-use1", "prod-euw1"]) {
      it(`${stack}: every Effect is Allow or Deny, every Resource and NotResource an ARN or *`, async () => {
        const plan = await planOf(stack);
        const statements: [string, Statement][] = [];
        for (const r of plan.run.resources) statementsIn(r.inputs, r.name, statements);
        assert.ok(statements.length > 40, `${statements.length} statements found`);
        const bad = statements.flatMap(([where, st]) =>
          [st.Resource, st.NotResource]
            .filter((v) => v !== undefined)
            .flatMap((v) => (Array.isArray(v) ? v : [v]))
            .filter((v) => v !== "*" && !(typeof v === "string" && ARN.test(v)))
            .map((v) => `${where}: ${JSON.stringify(v)}`),
        );
        assert.deepStrictEqual(bad, []);
        // "The Effect element is required ... Valid values for Effect are Allow and Deny" (IAM
        // JSON policy elements: Effect).
        const effects = statements
          .filter(([, st]) => st.Effect !== "Allow" && st.Effect !== "Deny")
          .map(([where, st]) => `${where}: ${JSON.stringify(st.Effect)}`);
        assert.deepStrictEqual(effects, []);
      });
    }

    it("each function may write its own log group's streams, by the group's ARN", async () => {
      const plan = await planOf("prod-use1");
      // The groups the functions log to (their loggingConfig), as deployed.
      const groups = ofType(plan, "aws:lambda/function:Function").map(
        (f) => f.inputs.loggingConfig?.logGroup,
      );
      const grants = ofType(plan, "aws:iam/rolePolicy:RolePolicy").flatMap((p) =>
        (JSON.parse(p.inputs.policy).Statement as { Action: string[]; Resource: string[] }[])
          .filter((st) => [st.Action].flat().includes("logs:PutLogEvents"))
          .flatMap((st) => [st.Resource].flat()),
      );
      assert.ok(grants.length >= 3, grants.join(", "));
      for (const arn of grants) {
        const match = /^arn:aws:logs:us-east-1:(\d{12}):log-group:(.+):\*$/.exec(arn);
        assert.ok(match, arn);
        assert.ok(groups.includes(match[2]), `${match[2]} is a function's log group`);
      }
    });
  });

  describe("MySQL version", () => {
    const config = (version?: string) => {
      const { config: raw } = readStackConfig(
        "prod-use1",
        version ? [`dbEngineVersion=${version}`] : [],
      );
      return parseConfig(raw, "magento-dr", "prod-use1");
    };

    it("defaults to 8.4 (LTS) without a warning", () => {
      const c = config();
      assert.strictEqual(c.dbEngineVersion, "8.4");
      assert.deepStrictEqual(c.warnings, []);
    });

    it("accepts 8.0 only with a warning about paid Extended Support", () => {
      const c = config("8.0.39");
      assert.strictEqual(c.dbEngineVersion, "8.0.39");
      assert.deepStrictEqual(c.warnings, [
        'magento-dr:dbEngineVersion = "8.0.39": MySQL 8.0 left RDS standard support on ' +
          "2026-07-31; a new instance runs in paid RDS Extended Support. Use 8.4 (LTS) unless " +
          "something pins 8.0.",
      ]);
    });

    it("refuses other versions", () => {
      assert.throws(
        () => config("5.7"),
        /magento-dr:dbEngineVersion = "5.7": expected MySQL "8.4"/,
      );
    });
  });
});
