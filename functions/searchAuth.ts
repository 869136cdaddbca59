// Credentials for the search health probe. The domains use fine-grained access control with an
// internal user, so an anonymous GET /_cluster/health is refused (401/403) and would read as a
// dead endpoint. The probe authenticates as its own user (cluster health only), from its secret.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { clientConfig, lazy } from "./awsClients";

/** How long a container reuses the secret before reading it again (rotation is picked up). */
const SECRET_CACHE_MS = 5 * 60 * 1000;

export interface BasicAuthDeps {
  secretsManager?: SecretsManagerClient;
  now?: () => number;
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Returns a reader of a secret holding `{ "username", "password" }`, cached per container. A
 * secret that cannot be read or parsed throws (the message names the secret, never its value).
 */
export function credentialsFromSecret(
  region: string,
  secretId: string,
  deps: BasicAuthDeps = {},
): () => Promise<Credentials> {
  const client = lazy(() => deps.secretsManager ?? new SecretsManagerClient(clientConfig(region)));
  const now = deps.now ?? Date.now;
  let cached: { credentials: Credentials; readAt: number } | undefined;
  // Concurrent requests share one read instead of each fetching the secret.
  let reading: Promise<{ credentials: Credentials; readAt: number }> | undefined;
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
    return { credentials: { username, password }, readAt: now() };
  };
  return async () => {
    if (!cached || now() - cached.readAt > SECRET_CACHE_MS) {
      reading ??= read().finally(() => {
        reading = undefined;
      });
      cached = await reading;
    }
    return cached.credentials;
  };
}

export function basicAuthorization({ username, password }: Credentials): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
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
  const credentials = credentialsFromSecret(region, secretId, deps);
  return async () => basicAuthorization(await credentials());
}
