import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { arns } from "./arns";
import { SEARCH_PASSWORD_RULE } from "./search";
import { SEARCH_USERNAMES } from "../functions/searchReplication/users";

export interface SearchUserSecret {
  username: string;
  secretArn: pulumi.Output<string>;
  /** The secret as a policy names it before it exists (./arns.ts). */
  secretPolicyArn: pulumi.Output<string>;
  /** Changes with every new value: what the deployment's user check is re-run on. */
  versionId: pulumi.Output<string>;
}

export interface SearchUsersArgs {
  /** The domain's name, for the secrets' descriptions. */
  domainName: string;
  kmsKeyArn: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  region: string;
}

/**
 * The passwords of the search domain's own internal users for Magento and the search health
 * checker, each in its own secret (`{ "username", "password" }`), so each reader can be granted
 * only its own. The users themselves are created in the domain by the replication function
 * (functions/searchReplication/users.ts): the domain answers only inside the VPC. Each region has
 * its own: the internal user database is per domain ("Fine-grained access control in Amazon
 * OpenSearch Service": it "is stored in an ... index, so you can't share it with other clusters").
 */
export class SearchUsers extends pulumi.ComponentResource {
  public readonly magento: SearchUserSecret;
  public readonly checker: SearchUserSecret;

  constructor(name: string, args: SearchUsersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:data:SearchUsers", name, {}, opts);
    const user = (id: string, username: string, purpose: string): SearchUserSecret => {
      // AWS's master-user rule is assumed for internal users too (docs/search.md, Limits).
      const password = new random.RandomPassword(`${name}-${id}`, SEARCH_PASSWORD_RULE, {
        parent: this,
      });
      const secret = new aws.secretsmanager.Secret(
        `${name}-${id}`,
        {
          description: `${args.domainName}: OpenSearch internal user ${username} (${purpose})`,
          kmsKeyId: args.kmsKeyArn,
        },
        { parent: this },
      );
      const version = new aws.secretsmanager.SecretVersion(
        `${name}-${id}`,
        {
          secretId: secret.id,
          secretString: pulumi.jsonStringify({ username, password: password.result }),
        },
        { parent: this },
      );
      return {
        username,
        secretArn: secret.arn,
        secretPolicyArn: arns.secret(args.region, args.accountId, secret.name),
        versionId: version.versionId,
      };
    };
    this.magento = user("magento", SEARCH_USERNAMES.magento, "Magento's catalog search");
    this.checker = user("checker", SEARCH_USERNAMES.checker, "the search health checker");
    this.registerOutputs({
      magentoSecretArn: this.magento.secretArn,
      checkerSecretArn: this.checker.secretArn,
    });
  }
}
