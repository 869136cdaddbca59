// The fencing lease. One item in a single-region DynamoDB table in the authority region (the
// first standby). It must not be a global table: global tables resolve concurrent writes by
// last-writer-wins, so a conditional write there is not a cross-region lock.
//
// Key schema: partition key `pk` (String), no sort key. This module owns the item
// pk = "authority"; the same table holds "incident#<id>" (audit.ts), "signals#<region>" and
// "witness#<region>" (detection.ts).
//
// The epoch only grows. Every promotion (automatic or operator) takes the lease with one
// conditional write that names the epoch it decided against, so a delayed or retried decision made
// against an older epoch can never be applied after a newer one.
import { backoffMs, sleep } from "./deadline";
import { isTransient } from "./errors";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { AUTHORITY_ITEMS } from "../contractAuthority";

export const AUTHORITY_KEY = AUTHORITY_ITEMS.authority;

export type AuthorityPhase = "steady" | "promoting" | "completed";
export type PromotionMode = "planned" | "unplanned";

export interface AuthorityRecord {
  epoch: number;
  /** The region the authority has declared active. Set when a promotion's lease is taken:
   * from that moment the old region is fenced, whatever state its own automation is in. */
  activeRegion: string;
  previousActiveRegion?: string;
  holder?: string;
  phase: AuthorityPhase;
  /** Epoch milliseconds; 0 when no lease is held. */
  leaseExpiresAt: number;
  incidentId?: string;
  mode?: PromotionMode;
  updatedAt: number;
  /** The serving lease (servingLease.ts): the region allowed to take writes, and until when
   * (epoch ms; 0 when none). Renewed by the active region's fence; written by every take. */
  servingRegion?: string;
  servingExpiresAt?: number;
  /** False until the item has been written once. */
  exists: boolean;
}

export class LeaseConflict extends Error {
  constructor(
    message: string,
    public readonly current: AuthorityRecord,
  ) {
    super(message);
    this.name = "LeaseConflict";
  }
}

export interface TakeLeaseRequest {
  /** The epoch the caller decided against; the write succeeds only if it is still current. */
  expectedEpoch: number;
  newActiveRegion: string;
  /** "orchestrator:<region>:<request id>" for the Lambda, "operator:<user>" for the CLI. */
  holder: string;
  incidentId: string;
  ttlMs: number;
  mode?: PromotionMode;
  /** The region being left; recorded for the audit and for fencing. */
  fromRegion?: string;
  /** The serving lease the take grants the new active region (its fence renews it from then). */
  servingTtlMs?: number;
}

/**
 * The serving lease. The active region takes writes only while it holds it: its fence renews it
 * (fence.ts), its instances stop serving when they cannot confirm it (magento-dr.sh). An
 * unplanned take requires the old region's serving lease to have run out SERVING_SKEW_MS ago, so
 * the old writers have stopped before the new region starts, whatever the network between them.
 * Attributes of the authority item itself, not an item of its own: the take checks and moves
 * it in the same conditional write (no transaction, no window between two items).
 */
export const DEFAULT_SERVING_TTL_MS = 100_000;
/** Clock skew allowed between the renewer, the instances and the promoter (NTP-synced hosts). */
export const SERVING_SKEW_MS = 10_000;

export interface AuthorityStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The active region assumed before the item has ever been written. */
  initialActiveRegion: string;
  now?: () => number;
  /** Bounded retries of every lease write on throttling and transient errors. */
  retry?: LeaseWriteRetry;
}

export interface LeaseWriteRetry {
  /** Attempts per lease write, the first included (each attempt is itself one SDK call with
   * the SDK's own attempts). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Four attempts over at most ~3.5 s of pauses: well inside the shortest lease TTL. */
export const DEFAULT_LEASE_WRITE_RETRY: LeaseWriteRetry = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
};

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const key = { pk: S(AUTHORITY_KEY) };

export class AuthorityStore {
  private readonly now: () => number;

  constructor(private readonly options: AuthorityStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Strongly consistent: a decision is never made on a replica's stale view. */
  async read(signal?: AbortSignal): Promise<AuthorityRecord> {
    const out = await this.options.client.send(
      new GetItemCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return out.Item ? fromItem(out.Item) : this.initialRecord();
  }

  /**
   * One conditional write: succeeds only if the epoch is still `expectedEpoch`, no one else holds
   * an unexpired lease, and the incident has not already completed. Increments the epoch.
   * Throws LeaseConflict (with the current record) when another caller won.
   */
  async takeLease(request: TakeLeaseRequest, signal?: AbortSignal): Promise<AuthorityRecord> {
    const now = this.now();
    const values: Record<string, AttributeValue> = {
      ":servingExpires": N(now + (request.servingTtlMs ?? DEFAULT_SERVING_TTL_MS)),
      ":next": N(request.expectedEpoch + 1),
      ":active": S(request.newActiveRegion),
      ":holder": S(request.holder),
      ":promoting": S("promoting"),
      ":expires": N(now + request.ttlMs),
      ":incident": S(request.incidentId),
      ":mode": S(request.mode ?? "unplanned"),
      ":now": N(now),
    };
    let update =
      "SET epoch = :next, activeRegion = :active, holder = :holder, phase = :promoting, " +
      "leaseExpiresAt = :expires, incidentId = :incident, #mode = :mode, updatedAt = :now, " +
      "servingRegion = :active, servingExpiresAt = :servingExpires";
    if (request.fromRegion) {
      update += ", previousActiveRegion = :from";
      values[":from"] = S(request.fromRegion);
    }
    // Epoch 0: no item yet, or only the one the active region's fence created to hold its
    // serving lease (never a promotion: epoch 0 and no holder).
    let condition =
      request.expectedEpoch === 0
        ? "(attribute_not_exists(pk) OR (epoch = :expected AND attribute_not_exists(holder)))"
        : "epoch = :expected AND " +
          "(attribute_not_exists(holder) OR holder = :holder OR leaseExpiresAt <= :now) AND " +
          "NOT (incidentId = :incident AND phase = :completed)";
    values[":expected"] = N(request.expectedEpoch);
    if (request.expectedEpoch !== 0) values[":completed"] = S("completed");
    if ((request.mode ?? "unplanned") === "unplanned") {
      // Never two writers: the old region's serving lease must have run out (with the skew
      // allowance) unless it is already the new region's. A planned switchover has fenced and
      // drained the old region first (its maintenance parameter), so it may take over at once.
      condition +=
        " AND (attribute_not_exists(servingExpiresAt) OR servingRegion = :active OR " +
        "servingExpiresAt <= :servingCutoff)";
      values[":servingCutoff"] = N(now - SERVING_SKEW_MS);
    }
    return this.conditionalUpdate(
      update,
      condition,
      values,
      { "#mode": "mode" },
      signal,
      () => `lease for epoch ${request.expectedEpoch} not granted to ${request.holder}`,
      (r) =>
        r.epoch === request.expectedEpoch + 1 &&
        r.holder === request.holder &&
        r.incidentId === request.incidentId,
    );
  }

  /**
   * The active region's fence renews its serving lease: only while the authority names it
   * active. On a table never written, the initial active region first creates the item at
   * epoch 0 (a conditional put: it can never reset an existing epoch).
   */
  async renewServing(
    region: string,
    ttlMs: number,
    signal?: AbortSignal,
  ): Promise<AuthorityRecord> {
    const now = this.now();
    const retry = this.options.retry ?? DEFAULT_LEASE_WRITE_RETRY;
    if (region === this.options.initialActiveRegion) {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.options.client.send(
            new PutItemCommand({
              TableName: this.options.tableName,
              Item: {
                ...key,
                epoch: N(0),
                activeRegion: S(region),
                phase: S("steady"),
                leaseExpiresAt: N(0),
                updatedAt: N(now),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            }),
            { abortSignal: signal },
          );
          break;
        } catch (error) {
          if (isConditionFailure(error)) break; // it exists: renew below
          if (!isTransient(error) || attempt + 1 >= retry.attempts || signal?.aborted) throw error;
          await sleep(backoffMs(attempt, retry.baseDelayMs, retry.maxDelayMs), signal);
        }
      }
    }
    return this.conditionalUpdate(
      "SET servingRegion = :region, servingExpiresAt = :expires, servingRenewedAt = :now",
      "activeRegion = :region",
      { ":region": S(region), ":expires": N(now + ttlMs), ":now": N(now) },
      undefined,
      signal,
      () => `serving lease of ${region} not renewed: the authority names another region active`,
    );
  }

  /** Extends the caller's lease; fails if the epoch moved on or someone else holds it. */
  async renewLease(
    lease: { epoch: number; holder: string; ttlMs: number },
    signal?: AbortSignal,
  ): Promise<AuthorityRecord> {
    const now = this.now();
    return this.conditionalUpdate(
      "SET leaseExpiresAt = :expires, updatedAt = :now",
      "epoch = :epoch AND holder = :holder",
      { ":expires": N(now + lease.ttlMs), ":now": N(now), ...this.fence(lease) },
      undefined,
      signal,
      () => `lease of ${lease.holder} at epoch ${lease.epoch} lost`,
    );
  }

  /** Gives the lease up without completing: the phase stays "promoting" so a later run resumes. */
  async releaseLease(
    lease: { epoch: number; holder: string },
    signal?: AbortSignal,
  ): Promise<AuthorityRecord> {
    return this.conditionalUpdate(
      "SET leaseExpiresAt = :zero, updatedAt = :now REMOVE holder",
      "epoch = :epoch AND holder = :holder",
      { ":zero": N(0), ":now": N(this.now()), ...this.fence(lease) },
      undefined,
      signal,
      () => `lease of ${lease.holder} at epoch ${lease.epoch} lost before release`,
      (r) => r.epoch === lease.epoch && r.holder === undefined && r.phase === "promoting",
    );
  }

  /** Marks the incident done and drops the lease, only for the holder of the current epoch. */
  async completePromotion(
    lease: { epoch: number; holder: string; incidentId: string },
    signal?: AbortSignal,
  ): Promise<AuthorityRecord> {
    return this.conditionalUpdate(
      "SET phase = :completed, leaseExpiresAt = :zero, updatedAt = :now REMOVE holder",
      "epoch = :epoch AND holder = :holder AND incidentId = :incident",
      {
        ":completed": S("completed"),
        ":zero": N(0),
        ":now": N(this.now()),
        ":incident": S(lease.incidentId),
        ...this.fence(lease),
      },
      undefined,
      signal,
      () => `lease of ${lease.holder} at epoch ${lease.epoch} lost before completion`,
      (r) =>
        r.epoch === lease.epoch && r.phase === "completed" && r.incidentId === lease.incidentId,
    );
  }

  private fence(lease: { epoch: number; holder: string }): Record<string, AttributeValue> {
    return { ":epoch": N(lease.epoch), ":holder": S(lease.holder) };
  }

  /**
   * One conditional write, retried (bounded) on throttling and transient errors: two throttled
   * writes must not abort a promotion. A retry after an attempt whose answer was lost may find
   * its own earlier write applied; `appliedBy` recognises that state, so an ambiguous success
   * is never reported as a conflict. The renewals have none: a renewal is idempotent (its retry
   * passes the condition even if the earlier attempt landed), so their failed condition always
   * means the place was lost. A failed condition is never retried.
   */
  private async conditionalUpdate(
    update: string,
    condition: string,
    values: Record<string, AttributeValue>,
    names: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
    conflictMessage: () => string,
    appliedBy?: (record: AuthorityRecord) => boolean,
  ): Promise<AuthorityRecord> {
    const retry = this.options.retry ?? DEFAULT_LEASE_WRITE_RETRY;
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.options.client.send(
          new UpdateItemCommand({
            TableName: this.options.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
            ...(names ? { ExpressionAttributeNames: names } : {}),
            ReturnValues: "ALL_NEW",
          }),
          { abortSignal: signal },
        );
        return fromItem(out.Attributes ?? {});
      } catch (error) {
        if (isConditionFailure(error)) {
          const current = await this.read(signal);
          if (attempt > 0 && appliedBy?.(current)) return current;
          throw new LeaseConflict(conflictMessage(), current);
        }
        if (!isTransient(error) || attempt + 1 >= retry.attempts || signal?.aborted) throw error;
        await sleep(backoffMs(attempt, retry.baseDelayMs, retry.maxDelayMs), signal);
      }
    }
  }

  private initialRecord(): AuthorityRecord {
    return {
      epoch: 0,
      activeRegion: this.options.initialActiveRegion,
      phase: "steady",
      leaseExpiresAt: 0,
      updatedAt: 0,
      exists: false,
    };
  }
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === "ConditionalCheckFailedException"
  );
}

function fromItem(item: Record<string, AttributeValue>): AuthorityRecord {
  const str = (k: string) => item[k]?.S;
  const num = (k: string) => (item[k]?.N !== undefined ? Number(item[k].N) : undefined);
  return {
    epoch: num("epoch") ?? 0,
    activeRegion: str("activeRegion") ?? "",
    previousActiveRegion: str("previousActiveRegion"),
    holder: str("holder"),
    phase: (str("phase") as AuthorityPhase | undefined) ?? "steady",
    leaseExpiresAt: num("leaseExpiresAt") ?? 0,
    incidentId: str("incidentId"),
    mode: str("mode") as PromotionMode | undefined,
    updatedAt: num("updatedAt") ?? 0,
    servingRegion: str("servingRegion"),
    servingExpiresAt: num("servingExpiresAt"),
    exists: true,
  };
}

/** What a request to make `targetRegion` active means against the current authority record. */
export type Admission =
  | { kind: "new"; expectedEpoch: number }
  | { kind: "resume"; expectedEpoch: number }
  | { kind: "reject"; reason: AdmissionRejection; detail: string };

export type AdmissionRejection =
  "replayed" | "stale-epoch" | "future-epoch" | "already-active" | "lease-held";

/**
 * The fencing rule, pure so it can be read and tested on its own:
 * - an incident that already completed is a replay: ignored;
 * - an epoch newer than the authority's was never issued: rejected;
 * - the incident in progress (phase "promoting") is resumed, once its lease is free or expired;
 * - any other request decided against an older epoch is stale: ignored;
 * - a request for the region that is already active is a no-op (never a failback);
 * - otherwise it is a new promotion, taken at the request's epoch.
 */
export function admit(
  current: AuthorityRecord,
  request: { incidentId: string; epoch: number; targetRegion: string },
  now: number,
): Admission {
  const sameIncident = current.incidentId === request.incidentId;
  if (sameIncident && current.phase === "completed") {
    return {
      kind: "reject",
      reason: "replayed",
      detail: `incident ${request.incidentId} completed`,
    };
  }
  if (request.epoch > current.epoch) {
    return {
      kind: "reject",
      reason: "future-epoch",
      detail: `event epoch ${request.epoch} is newer than the authority's ${current.epoch}`,
    };
  }
  if (
    sameIncident &&
    current.phase === "promoting" &&
    current.activeRegion === request.targetRegion
  ) {
    if (current.holder && current.leaseExpiresAt > now) {
      return {
        kind: "reject",
        reason: "lease-held",
        detail: `${current.holder} holds the lease until ${new Date(current.leaseExpiresAt).toISOString()}`,
      };
    }
    return { kind: "resume", expectedEpoch: current.epoch };
  }
  if (request.epoch < current.epoch) {
    return {
      kind: "reject",
      reason: "stale-epoch",
      detail: `event epoch ${request.epoch} is older than the authority's ${current.epoch}`,
    };
  }
  if (current.activeRegion === request.targetRegion) {
    return {
      kind: "reject",
      reason: "already-active",
      detail: `${request.targetRegion} is already the active region (phase ${current.phase})`,
    };
  }
  return { kind: "new", expectedEpoch: current.epoch };
}
