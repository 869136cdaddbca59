// The heartbeat reader Lambda (components/heartbeatReader.ts): in the standby region's VPC, it
// signs in to the local database as Magento's user (the region's replica of the shared secret,
// so the lost region is never called) and answers every region's newest beat. The orchestrator
// invokes it synchronously when it decides on a promotion (functions/region/lossWindow.ts).
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { clientConfig, lazy } from "../awsClients";
import { readHeartbeats, type DatabaseLogin, type HeartbeatReport } from "./reader";

export interface HeartbeatReaderSettings {
  region: string;
  host: string;
  database: string;
  /** The secret holding `{ "username", "password" }` of Magento's database user. */
  secretArn: string;
  /** Bounds the connection and the query, each. */
  timeoutMs: number;
  /**
   * PEM of the CA the database's certificate chains to.
   * @default AWS's RDS certificate authorities
   */
  ca?: string;
}

export interface HeartbeatReaderDeps {
  secretsManager?: SecretsManagerClient;
}

async function login(
  settings: HeartbeatReaderSettings,
  client: SecretsManagerClient,
): Promise<DatabaseLogin> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: settings.secretArn }),
    { abortSignal: AbortSignal.timeout(settings.timeoutMs) },
  );
  let parsed: { username?: unknown; password?: unknown } = {};
  try {
    parsed = JSON.parse(SecretString ?? "") as typeof parsed;
  } catch {
    // named below
  }
  if (typeof parsed.username !== "string" || typeof parsed.password !== "string") {
    throw new Error(`secret ${settings.secretArn} must hold {"username", "password"} strings`);
  }
  const [host, port] = settings.host.split(":");
  return {
    host,
    port: port ? Number(port) : undefined,
    database: settings.database,
    username: parsed.username,
    password: parsed.password,
    ca: settings.ca,
  };
}

/** Never throws: an error is an answer with no beats, which the promotion reads as unknown. */
export function createHeartbeatReaderHandler(
  settings: HeartbeatReaderSettings,
  deps: HeartbeatReaderDeps = {},
) {
  const secrets = lazy(
    () =>
      deps.secretsManager ??
      new SecretsManagerClient(
        clientConfig(settings.region, {
          connectionTimeoutMs: 3_000,
          requestTimeoutMs: settings.timeoutMs,
        }),
      ),
  );
  return async (): Promise<HeartbeatReport> => {
    try {
      return await readHeartbeats(await login(settings, secrets()), settings.timeoutMs);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      console.error(JSON.stringify({ event: "heartbeat-unreadable", error: message }));
      return { beats: [], detail: `heartbeat unreadable: ${message}` };
    }
  };
}
