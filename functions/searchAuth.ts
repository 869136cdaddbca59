// Credentials for the search health probe. The domains use fine-grained access control with an
// internal user, so an anonymous GET /_cluster/health is refused (401/403) and would read as a
// dead endpoint. The probe authenticates as Magento's user, from the region's secret.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { clientConfig, lazy } from "./awsClients";

/** How long a container reuses the secret before reading it again (rotation is picked up). */
const SECRET_CACHE_MS = 5 * 60 * 1000;

export interface BasicAuthDeps {
  secretsManager?: SecretsManagerClient;
  now?: () => number;
}

/**
 * Returns a `requestHeaders` function for the search health checker: an Authorization header
 * with HTTP Basic credentials from a secret holding `{ "username", "password" }`. A secret that
 * cannot be read or parsed throws: probing without credentials would report every endpoint dead.
 */
export function basicAuthFromSecret(
  region: string,
  secretId: string,
  deps: BasicAuthDeps = {},
): () => Promise<Record<string, string>> {
  const client = lazy(() => deps.secretsManager ?? new SecretsManagerClient(clientConfig(region)));
  const now = deps.now ?? Date.now;
  let cached: { header: string; readAt: number } | undefined;
  // Concurrent requests share one read instead of each fetching the secret.
  let reading: Promise<{ header: string; readAt: number }> | undefined;
  const read = async () => {
    const { SecretString } = await client().send(new GetSecretValueCommand({ SecretId: secretId }));
    let parsed: unknown;
    try {
      parsed = JSON.parse(SecretString ?? "");
    } catch {
      parsed = undefined;
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || typeof password !== "string") {
      throw new Error(`secret ${secretId} must hold {"username", "password"} strings`);
    }
    return {
      header: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
      readAt: now(),
    };
  };
  return async () => {
    if (!cached || now() - cached.readAt > SECRET_CACHE_MS) {
      reading ??= read().finally(() => {
        reading = undefined;
      });
      cached = await reading;
    }
    return { Authorization: cached.header };
  };
}
