import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface SearchDomainRef {
  domainName: pulumi.Input<string>;
  region: string;
}

export interface SearchReplicationLinkArgs {
  accountId: pulumi.Input<string>;
  /** The domain that pulls (creates the outbound connection). */
  follower: SearchDomainRef;
  /** The domain that is pulled from (accepts the inbound connection). */
  leader: SearchDomainRef;
}

/**
 * The connection alias a follower domain knows its leader by; the replication function puts its
 * auto-follow rule on `leader_alias` = this. AWS API Reference (CreateOutboundConnection):
 * ConnectionAlias is 2-100 characters matching [a-zA-Z][a-zA-Z0-9\-\_]+.
 */
export function leaderAlias(leaderRegion: string): string {
  return `leader-${leaderRegion}`;
}

/**
 * A cross-cluster connection for OpenSearch's cross-cluster replication, from a follower domain
 * to a leader domain, and its acceptance. Amazon OpenSearch Service Developer Guide,
 * "Cross-cluster replication": "Because cross-cluster replication follows a 'pull' model, you
 * initiate connections from the follower domain"; the request is then sent to the destination
 * domain for approval. Both resources belong to whichever stack declares this component: each
 * takes its region through the provider's resource-level `region` argument, so a standby stack can
 * own a connection whose other end is in the home region while the stacks still depend one way.
 *
 * The connection mode is DIRECT ("Used for cross-cluster search or cross-cluster replication";
 * VPC_ENDPOINT is for remote reindex). The guide's set-up asks for no VPC peering: the service
 * carries the traffic between the domains (not verifiable offline; docs/search.md says so).
 */
export class SearchReplicationLink extends pulumi.ComponentResource {
  public readonly connectionId: pulumi.Output<string>;
  public readonly alias: string;

  constructor(
    name: string,
    args: SearchReplicationLinkArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("magento-dr:data:SearchReplicationLink", name, {}, opts);
    if (args.follower.region === args.leader.region) {
      throw new Error(
        `SearchReplicationLink ${name}: follower and leader are both in ${args.leader.region}; ` +
          "a replica in the same region survives no regional outage",
      );
    }
    this.alias = leaderAlias(args.leader.region);
    const connection = new aws.opensearch.OutboundConnection(
      `${name}-connection`,
      {
        region: args.follower.region,
        connectionAlias: this.alias,
        connectionMode: "DIRECT",
        localDomainInfo: {
          ownerId: args.accountId,
          region: args.follower.region,
          domainName: args.follower.domainName,
        },
        remoteDomainInfo: {
          ownerId: args.accountId,
          region: args.leader.region,
          domainName: args.leader.domainName,
        },
      },
      { parent: this },
    );
    // The accepter, not the outbound connection's own acceptConnection flag: the acceptance is a
    // call on the leader's side, so it is made in the leader's region.
    new aws.opensearch.InboundConnectionAccepter(
      `${name}-accept`,
      { region: args.leader.region, connectionId: connection.id },
      { parent: this },
    );
    this.connectionId = connection.id;
    this.registerOutputs({ connectionId: this.connectionId, alias: this.alias });
  }
}
