// Magento and the search checker on their own OpenSearch users, as the program deploys them: a
// secret per user in each region, the users put in place by the replication function during the
// deployment, and each reader granted only its own secret; the master user stays with the
// replication function.
import * as assert from "assert";
import { one, ofType, planOf } from "./helpers/plan";

const FUNCTION = "aws:lambda/function:Function";
const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

type Plan = Awaited<ReturnType<typeof planOf>>;

/** The secret ARNs a role's inline policy lets it read. */
function readableSecrets(plan: Plan, policySuffix: string): string[] {
  const policy = one(plan, "aws:iam/rolePolicy:RolePolicy", policySuffix);
  const raw = policy.inputs.policy;
  const document = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
    Statement: { Action: string[]; Resource: string[] }[];
  };
  return document.Statement.filter((s) => s.Action.includes("secretsmanager:GetSecretValue"))
    .flatMap((s) => s.Resource)
    .filter((r) => r.includes(":secretsmanager:"));
}

describe("search users: the program", () => {
  for (const [stack, region] of [
    ["prod-use1", "us-east-1"],
    ["prod-euw1", "eu-west-1"],
  ]) {
    it(`${stack} keeps a secret per user in its own region, encrypted with the stack's key`, async () => {
      const plan = await planOf(stack);
      const users = ofType(plan, SECRET).filter((s) => s.name.includes("-search-users-"));
      assert.deepStrictEqual(users.map((s) => s.name.replace(/^.*-search-users-/, "")).sort(), [
        "checker",
        "magento",
      ]);
      for (const secret of users) {
        assert.ok(secret.region === undefined || secret.region === region);
        assert.match(String(secret.inputs.kmsKeyId), /^arn:aws:kms:/);
        assert.match(
          secret.inputs.description,
          /OpenSearch internal user (magento-app|magento-dr-checker)/,
        );
      }
      const versions = ofType(plan, VERSION).filter((v) => v.name.includes("-search-users-"));
      const usernames = versions.map((v) => JSON.parse(v.inputs.secretString).username).sort();
      assert.deepStrictEqual(usernames, ["magento-app", "magento-dr-checker"]);
    });

    it(`${stack} puts the users in place during the deployment, again when a password or role changes`, async () => {
      const plan = await planOf(stack);
      const invocation = one(plan, "aws:lambda/invocation:Invocation", "-search-replication-users");
      const fn = one(plan, FUNCTION, "-search-replication-fn-fn");
      assert.deepStrictEqual(JSON.parse(invocation.inputs.input), { action: "users" });
      assert.strictEqual(
        invocation.inputs.functionName,
        fn.inputs.name ?? invocation.inputs.functionName,
      );
      const roles = JSON.parse(invocation.inputs.triggers.roles);
      assert.deepStrictEqual(roles.magento.permissions.index_permissions[0].index_patterns, [
        "magento2_*",
      ]);
      assert.deepStrictEqual(roles.checker.permissions.cluster_permissions, [
        "cluster:monitor/health",
      ]);
      // A new password is a new secret version: the deployment puts it in the domain.
      const versions = ofType(plan, VERSION).filter((v) => v.name.includes("-search-users-"));
      assert.strictEqual(versions.length, 2);
      assert.match(String(invocation.inputs.triggers.magentoSecretVersion), /^[0-9a-f]{32}$/);
      assert.match(String(invocation.inputs.triggers.checkerSecretVersion), /^[0-9a-f]{32}$/);
      assert.notStrictEqual(
        invocation.inputs.triggers.magentoSecretVersion,
        invocation.inputs.triggers.checkerSecretVersion,
      );
    });

    it(`${stack} gives Magento and the checker their own users and the master user to the replication function only`, async () => {
      const plan = await planOf(stack);
      const master = one(plan, SECRET, "-search-master");
      const magentoSecret = one(plan, SECRET, "-search-users-magento");
      const checkerSecret = one(plan, SECRET, "-search-users-checker");
      const named = (secret: typeof master) => (r: string) =>
        r.includes(`:secret:${secret.inputs.name ?? secret.name}`);

      // Magento: env.php is rendered from search/secret-arn, read by the instance role.
      const parameter = one(plan, "aws:ssm/parameter:Parameter", "-endpoints-search-secret-arn");
      const replicationFn = one(plan, FUNCTION, "-search-replication-fn-fn");
      assert.strictEqual(
        parameter.inputs.value,
        replicationFn.inputs.environment.variables.SEARCH_MAGENTO_SECRET_ARN,
      );
      const instance = readableSecrets(plan, "-app-instance");
      assert.ok(instance.some(named(magentoSecret)), instance.join("\n"));
      assert.ok(!instance.some(named(master)), "instances cannot read the master user");
      assert.ok(!instance.some(named(checkerSecret)));

      // The checker: its function's secret and role.
      const checker = one(plan, FUNCTION, "-search-health-fn");
      assert.strictEqual(
        checker.inputs.environment.variables.SEARCH_SECRET_ARN,
        replicationFn.inputs.environment.variables.SEARCH_CHECKER_SECRET_ARN,
      );
      const checkerReads = readableSecrets(plan, "-search-health-policy");
      assert.deepStrictEqual(checkerReads.length, 1);
      assert.ok(checkerReads.every(named(checkerSecret)), checkerReads.join("\n"));

      // The replication function: the master user, and the users' passwords to set them.
      const replicationReads = readableSecrets(plan, "-search-replication-fn-policy");
      for (const secret of [master, magentoSecret, checkerSecret]) {
        assert.ok(replicationReads.some(named(secret)), replicationReads.join("\n"));
      }
      assert.notStrictEqual(
        replicationFn.inputs.environment.variables.SEARCH_SECRET_ARN,
        parameter.inputs.value,
      );

      // Nobody is switched before the deployment has put the users in the domain: the values that
      // name the users' secrets come through the invocation (the engine orders them after it).
      const invocation = one(plan, "aws:lambda/invocation:Invocation", "-search-replication-users");
      assert.ok(
        (parameter.propertyDependencies.value ?? []).includes(invocation.urn),
        "search/secret-arn waits for the users",
      );
      assert.ok(
        (checker.propertyDependencies.environment ?? []).includes(invocation.urn),
        "the checker's secret waits for the users",
      );
      assert.ok(
        ["-search-replication-fn-fn", "-search-replication-fn-policy"].every((suffix) =>
          invocation.dependencies.some((urn) => urn.endsWith(suffix)),
        ),
        `the invocation waits for the whole function (role, policy, code): ${invocation.dependencies.join(", ")}`,
      );
    });
  }
});
