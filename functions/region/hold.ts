// The operator hold: planned maintenance declared in the authority table (item pk = "hold"),
// so the automatic path stays out of the way while an operator upgrades or fails over the
// database in-region on purpose. While a hold is active the detector still probes, counts and
// alerts, but requests no promotion and resumes none; the orchestrator refuses automatic
// requests too. The operator CLI is never held. A hold expires by itself (`until`): a forgotten
// hold cannot disable failover for good, and its length is bounded (MAX_HOLD_MS).
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { AUTHORITY_ITEMS } from "../contractAuthority";

export const HOLD_KEY = AUTHORITY_ITEMS.hold;
/** Longest hold one command may declare; extend by declaring it again. */
export const MAX_HOLD_MS = 24 * 3_600_000;

export interface Hold {
  until: number;
  reason: string;
  by: string;
  createdAt: number;
}

export class HoldStore {
  constructor(
    private readonly options: { client: DynamoDBClient; tableName: string; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The hold in force now, or undefined (none, or expired). */
  async active(signal?: AbortSignal): Promise<Hold | undefined> {
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: HOLD_KEY } },
        ConsistentRead: true,
      }),
      { abortSignal: signal },
    );
    const item = out.Item;
    if (!item) return undefined;
    const hold: Hold = {
      until: Number(item.until?.N ?? 0),
      reason: item.reason?.S ?? "",
      by: item.by?.S ?? "",
      createdAt: Number(item.createdAt?.N ?? 0),
    };
    return hold.until > this.now() ? hold : undefined;
  }

  async set(hold: { forMs: number; reason: string; by: string }): Promise<Hold> {
    if (!(Number.isFinite(hold.forMs) && hold.forMs > 0 && hold.forMs <= MAX_HOLD_MS)) {
      throw new RangeError(`hold length ${hold.forMs} ms: expected 1 ms to ${MAX_HOLD_MS} ms`);
    }
    const now = this.now();
    const value: Hold = {
      until: now + hold.forMs,
      reason: hold.reason,
      by: hold.by,
      createdAt: now,
    };
    await this.options.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: {
          pk: { S: HOLD_KEY },
          until: { N: String(value.until) },
          reason: { S: value.reason },
          by: { S: value.by },
          createdAt: { N: String(now) },
        },
      }),
    );
    return value;
  }

  async clear(): Promise<void> {
    await this.options.client.send(
      new DeleteItemCommand({ TableName: this.options.tableName, Key: { pk: { S: HOLD_KEY } } }),
    );
  }
}
