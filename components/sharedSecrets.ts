import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { arns } from "./arns";
import { MASTER_USERNAME } from "./database";

/** ARNs of the secrets every region's Magento reads; the same secret in each region. */
export interface SharedSecretArns {
  /** Magento's crypt key: identical in every region, or encrypted data is unreadable after failover. */
  cryptKey: pulumi.Output<string>;
  /** The Redis AUTH token of the Global Datastore. */
  cacheAuth: pulumi.Output<string>;
  /** Magento's own database user `{ username, password }` (the master user is RDS-managed). */
  databaseUser: pulumi.Output<string>;
}

export type SharedSecretsSource =
  /** Home stack: generate the values, keep them in Secrets Manager, replicate to `replicaRegions`. */
  | {
      kind: "owner";
      replicaRegions: string[];
      kmsKeyArn: pulumi.Input<string>;
      region: string;
      accountId: pulumi.Input<string>;
    }
  /** Other stacks: the replicas in this region of the home stack's secrets. */
  | { kind: "replica"; region: string; homeArns: Record<keyof SharedSecretArns, string> };

/**
 * Secrets shared by every region. The home stack owns them and Secrets Manager replicates them to
 * the other regions, so a standby reads its local replica and never calls the lost region. A
 * replica keeps the primary's name and suffix: its ARN is the home ARN with the region swapped.
 */
export class SharedSecrets extends pulumi.ComponentResource {
  public readonly arns: SharedSecretArns;
  /** The same secrets as a policy names them before they exist (./arns.ts `secret`). */
  public readonly policyArns: SharedSecretArns;
  /** The AUTH token value, for the home stack's replication group only. */
  public readonly cacheAuthToken?: pulumi.Output<string>;
  /** The database master password, for the home stack's writer only (see Database). */
  public readonly databaseMasterPassword?: pulumi.Output<string>;
  /**
   * The master credentials' secret (home stack). Replicated like the others, so after a failover
   * the promoted database's admin password is readable in the standby region, under the same
   * name and suffix.
   */
  public readonly databaseMasterSecretArn?: pulumi.Output<string>;

  constructor(
    name: string,
    args: { source: SharedSecretsSource },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("magento-dr:data:SharedSecrets", name, {}, opts);
    const source = args.source;
    if (source.kind === "replica") {
      const local = (arn: string) => {
        const parts = arn.split(":");
        if (parts.length < 7 || parts[2] !== "secretsmanager") {
          throw new Error(`SharedSecrets ${name}: "${arn}" is not a Secrets Manager ARN`);
        }
        parts[3] = source.region;
        return pulumi.output(parts.join(":"));
      };
      this.arns = {
        cryptKey: local(source.homeArns.cryptKey),
        cacheAuth: local(source.homeArns.cacheAuth),
        databaseUser: local(source.homeArns.databaseUser),
      };
      // Read from the deployed home stack: known at this stack's first preview.
      this.policyArns = this.arns;
    } else {
      const secret = (id: string, description: string, value: pulumi.Input<string>) => {
        const s = new aws.secretsmanager.Secret(
          `${name}-${id}`,
          {
            description,
            kmsKeyId: source.kmsKeyArn,
            recoveryWindowInDays: 30,
            // Replicas use aws/secretsmanager of their region: the home stack holds no key there.
            replicas: source.replicaRegions.map((region) => ({ region })),
          },
          { parent: this },
        );
        policyArns[id] = arns.secret(source.region, source.accountId, s.name);
        new aws.secretsmanager.SecretVersion(
          `${name}-${id}`,
          { secretId: s.id, secretString: value },
          { parent: this },
        );
        return s.arn;
      };
      const policyArns: Record<string, pulumi.Output<string>> = {};
      const generated = (id: string, length: number) =>
        new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this })
          .result;

      // Magento's crypt key is 32 characters.
      const cryptKey = generated("crypt-key", 32);
      const cacheAuthToken = generated("cache-auth", 64);
      const databasePassword = generated("db-user", 40);
      // RDS for MySQL master passwords are 8 to 41 printable characters without / " @ (RDS API
      // CreateDBInstance MasterUserPassword): 40 letters and digits.
      const masterPassword = generated("db-master", 40);
      this.cacheAuthToken = cacheAuthToken;
      this.databaseMasterPassword = masterPassword;
      this.arns = {
        cryptKey: secret("crypt-key", "Magento crypt key (same in every region)", cryptKey),
        cacheAuth: secret("cache-auth", "Redis AUTH token of the Global Datastore", cacheAuthToken),
        databaseUser: secret(
          "db-user",
          "Magento's MySQL user (create it once at install; see README)",
          pulumi.jsonStringify({ username: "magento", password: databasePassword }),
        ),
      };
      this.databaseMasterSecretArn = secret(
        "db-master",
        "MySQL master user of the writer (RDS cannot replicate a database whose master secret it manages)",
        pulumi.jsonStringify({ username: MASTER_USERNAME, password: masterPassword }),
      );
      this.policyArns = {
        cryptKey: policyArns["crypt-key"],
        cacheAuth: policyArns["cache-auth"],
        databaseUser: policyArns["db-user"],
      };
    }
    this.registerOutputs({ ...this.arns });
  }
}
