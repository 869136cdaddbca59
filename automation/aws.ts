// AWS clients for the CLI, made with the step library's factories (same timeouts and retry mode
// as the Lambdas) and reused for the whole run. Injected so tests can point the authority client
// at dynalite while aws-sdk-client-mock answers the regional ones.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createAuthorityClient,
  createRegionalClients,
  type RegionalClients,
} from "../functions/region/clients";
import type { RegionFailoverSettings } from "../functions/region/settings";

export interface AwsFactory {
  /** Clients bound to `region` (the step library's set). */
  regional(region: string, settings: RegionFailoverSettings): RegionalClients;
  /** The authority table's client, in the authority region. */
  authority(settings: RegionFailoverSettings): DynamoDBClient;
}

export function sdkAwsFactory(): AwsFactory {
  const regional = new Map<string, RegionalClients>();
  let authority: DynamoDBClient | undefined;
  return {
    regional(region, settings) {
      if (!regional.has(region)) regional.set(region, createRegionalClients(region, settings.sdk));
      return regional.get(region)!;
    },
    authority(settings) {
      authority ??= createAuthorityClient(settings.authority.region, settings.sdk);
      return authority;
    },
  };
}
