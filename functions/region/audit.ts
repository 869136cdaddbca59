// The audit trail: one item per incident in the authority table (pk = "incident#<id>"), with
// every promotion run appended to it: who ran it, at which epoch, and each step's start, end,
// outcome and error. Runs that change nothing (rejected, stale, lost the lease) are logged only:
// a replayed event must leave the table exactly as it was.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { LossWindow } from "./lossWindow";
import { incidentKey } from "../contractAuthority";

export type StepOutcome =
  "done" | "already-done" | "capacity-not-reached" | "reindex-requested" | "failed" | "not-run";

export interface StepRecord {
  name: string;
  outcome: StepOutcome;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  detail?: string;
  error?: { name: string; message: string };
}

export type IncidentStatus = "awaiting-approval" | "incomplete" | "completed";

export interface RunRecord {
  epoch: number;
  holder: string;
  trigger: string;
  mode: string;
  decision: string;
  outcome: string;
  startedAt: string;
  endedAt: string;
  /** Milliseconds from the lease to maintenance off; absent when the critical path did not end. */
  shopReadyMs?: number;
  /**
   * What may be lost (docs/rpo.md): the newest replicated RPO heartbeat of the region left
   * (`heartbeatAt`) and the seconds from it to the measurement; absent when no reader is configured.
   */
  lossWindow?: LossWindow;
  steps: StepRecord[];
}

export interface IncidentRecord {
  incidentId: string;
  status?: IncidentStatus;
  approvalRequestedAt?: number;
  runs: RunRecord[];
}

export { incidentKey };

export class IncidentLog {
  private readonly now: () => number;

  constructor(
    private readonly options: { client: DynamoDBClient; tableName: string; now?: () => number },
  ) {
    this.now = options.now ?? Date.now;
  }

  async read(incidentId: string, signal?: AbortSignal): Promise<IncidentRecord | undefined> {
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: incidentKey(incidentId) } },
        ConsistentRead: true,
      }),
      { abortSignal: signal },
    );
    if (!out.Item) return undefined;
    return {
      incidentId,
      status: out.Item.status?.S as IncidentStatus | undefined,
      approvalRequestedAt: out.Item.approvalRequestedAt?.N
        ? Number(out.Item.approvalRequestedAt.N)
        : undefined,
      runs: (out.Item.runs?.L ?? []).map((v) => JSON.parse(v.S ?? "{}") as RunRecord),
    };
  }

  /**
   * Appends a run and sets the incident's status, except that "completed" is never downgraded:
   * a run that lost its lease and ends after the winner must not make a finished incident look
   * unfinished. Its run is still appended, for the record.
   */
  async appendRun(
    incidentId: string,
    run: RunRecord,
    status: IncidentStatus,
    signal?: AbortSignal,
  ): Promise<void> {
    const append = (setStatus: boolean) =>
      this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { pk: { S: incidentKey(incidentId) } },
          // Runs are stored as JSON strings: the record is for people and tools, never queried.
          UpdateExpression:
            "SET runs = list_append(if_not_exists(runs, :empty), :run), updatedAt = :now" +
            (setStatus ? ", #status = :status" : ""),
          ...(setStatus && status !== "completed"
            ? { ConditionExpression: "attribute_not_exists(#status) OR #status <> :completed" }
            : {}),
          ExpressionAttributeNames: setStatus ? { "#status": "status" } : undefined,
          ExpressionAttributeValues: {
            ":empty": { L: [] },
            ":run": { L: [{ S: JSON.stringify(run) }] },
            ":now": { N: String(this.now()) },
            ...(setStatus ? { ":status": { S: status } } : {}),
            ...(setStatus && status !== "completed" ? { ":completed": { S: "completed" } } : {}),
          },
        }),
        { abortSignal: signal },
      );
    try {
      await append(true);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await append(false);
    }
  }

  /** Records that approval was asked for; true only for the first caller, so humans are asked once. */
  async requestApprovalOnce(
    incidentId: string,
    reason: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { pk: { S: incidentKey(incidentId) } },
          UpdateExpression:
            "SET approvalRequestedAt = :now, approvalReason = :reason, #status = :status, updatedAt = :now",
          ConditionExpression: "attribute_not_exists(approvalRequestedAt)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":now": { N: String(this.now()) },
            ":reason": { S: reason },
            ":status": { S: "awaiting-approval" },
          },
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as { name?: string })?.name === "ConditionalCheckFailedException"
      ) {
        return false;
      }
      throw error;
    }
  }
}
