// Search: the local domain has followed the old primary's through cross-cluster replication. The
// step invokes the region's search replication function (in the VPC: the domain answers nowhere
// else) to stop replication on every follower index, so Magento can write to them, point each
// Magento alias at one complete index and count its documents. If the indices are missing or
// empty it asks the instances for a reindex (the `search/reindex-requested` parameter: the
// bootstrap's watcher marks Magento's catalogsearch_fulltext indexer invalid, and Magento's cron,
// which runs only in the active region, rebuilds it), pages, and the audit records the outcome.
// Magento's search endpoint parameter already names the local domain (the endpoints step writes
// it with the others). The step is a track of its own: search never holds the shop in
// maintenance, and a search that is not ready yet shows as a degraded catalog, not an outage.
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { GetParametersCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ReplicationReport, SearchReplicationAction } from "../../searchReplication/handler";
import { callOptions, retryThrottled, type PromotionStep, type StepContext } from "./context";
import { notify } from "./notify";

/** The payload's report, or an error naming what the function answered instead. */
function parseReport(payload: Uint8Array | undefined, functionError?: string): ReplicationReport {
  const text = payload ? Buffer.from(payload).toString("utf8") : "";
  if (functionError) {
    throw new Error(`search replication function failed (${functionError}): ${text.slice(0, 500)}`);
  }
  const report = JSON.parse(text) as Partial<ReplicationReport>;
  if (!Array.isArray(report.problems)) {
    throw new Error(`search replication function answered without a report: ${text.slice(0, 200)}`);
  }
  return report as ReplicationReport;
}

/** Invokes a region's search replication function and returns its report (operator CLI too). */
export async function invokeSearchReplication(
  lambda: LambdaClient,
  functionName: string,
  action: SearchReplicationAction,
  signal?: AbortSignal,
): Promise<ReplicationReport> {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: Buffer.from(JSON.stringify({ action })),
    }),
    { abortSignal: signal },
  );
  return parseReport(out.Payload, out.FunctionError);
}

export function summary(report: ReplicationReport): string {
  const aliases = (report.aliases ?? [])
    .map((a) => `${a.alias} -> ${a.index ?? "none"} (${a.documents} docs)`)
    .join(", ");
  return `stopped replication on ${report.stopped?.length ?? 0} index(es); ${aliases || "no aliases"}`;
}

/** Sets the reindex request to this epoch; true when it was not already set (page once). */
async function requestReindex(ctx: StepContext, parameter: string): Promise<boolean> {
  const current = await retryThrottled(ctx, () =>
    ctx.clients.ssm.send(new GetParametersCommand({ Names: [parameter] }), callOptions(ctx)),
  );
  if (current.Parameters?.[0]?.Value === String(ctx.epoch)) return false;
  await retryThrottled(ctx, () =>
    ctx.clients.ssm.send(
      new PutParameterCommand({
        Name: parameter,
        Value: String(ctx.epoch),
        Type: "String",
        Overwrite: true,
      }),
      callOptions(ctx),
    ),
  );
  return true;
}

export const searchStep: PromotionStep = {
  name: "search",
  deadlineMs: (s) => s.deadlines.searchMs,
  async run(ctx) {
    const search = ctx.settings.search;
    if (!search) return { outcome: "already-done", detail: "no search replication configured" };
    // Throttled when the function's minute reconcile is running (reserved concurrency 1).
    const report = await retryThrottled(ctx, () =>
      invokeSearchReplication(
        ctx.clients.lambda,
        search.replicationFunctionName,
        "promote",
        ctx.signal,
      ),
    );
    if (report.problems.length === 0) return { outcome: "done", detail: summary(report) };

    const first = await requestReindex(ctx, search.reindexParameter);
    let detail = `reindex requested: ${report.problems.join("; ")}; ${summary(report)}`;
    // The page is best effort: the reindex request is what matters, and the run's own notice
    // carries this step's detail too.
    if (first) {
      await notify(
        ctx.clients,
        ctx.settings,
        `Search in ${ctx.clients.region} needs a reindex after promotion`,
        {
          problems: report.problems,
          aliases: report.aliases ?? [],
          reindexParameter: search.reindexParameter,
          what: "the instances mark catalogsearch_fulltext invalid; Magento cron rebuilds it (catalog search is incomplete until then)",
          byHand:
            "on one instance of this region: bin/magento indexer:reset catalogsearch_fulltext",
          check: "bin/magento indexer:status catalogsearch_fulltext",
        },
        ctx.signal,
      ).catch((error: unknown) => {
        detail += `; page failed: ${(error as Error).message}`;
      });
    }
    return { outcome: "reindex-requested", detail };
  },
};
