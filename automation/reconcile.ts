// IaC after the data tier moved: activeRegion in every stack file, refresh, a preview that must
// not replace or delete anything stateful, then `up` (ARCHITECTURE.md, "Operator CLI").
//
// Order and why:
//  1. setActiveRegion in every stack (including one in a dead region: it is a local file);
//  2. refresh every reachable stack, so the preview compares with what the promotion did;
//  3. preview every reachable stack and stop if any would replace or delete a stateful resource
//     (nothing has been applied yet; the operator gets the list and the reason);
//  4. `up` the stacks to apply in dependency order (home first), each previewed again right
//     before its `up` when an earlier `up` may have changed its inputs (stack references).
// A stack in the region being failed away from is neither refreshed nor previewed: its API may be
// down, and it is reconciled when the region is back.
import { StepFailed } from "./errors";
import { describeChange, judgePreview } from "./previewCheck";
import type { Progress } from "./progress";
import { StackBusy, type StackOps, type UpSummary } from "./stackOps";
import type { StackInfo, Topology } from "./topology";

export interface ReconcilePlan {
  activeRegion: string;
  /** Every stack: its file gets the new activeRegion. */
  configure: StackInfo[];
  /** Reachable stacks: refreshed and previewed. */
  reachable: StackInfo[];
  /** Stacks to `up`, in order. */
  up: StackInfo[];
  skipped: { stack: string; why: string }[];
}

export function reconcilePlan(
  topology: Topology,
  newActive: StackInfo,
  options: { unreachableRegion?: string; upAll?: boolean } = {},
): ReconcilePlan {
  const reachable = topology.stacks.filter((s) => s.region !== options.unreachableRegion);
  // Home first: every other stack reads its outputs through a StackReference.
  const ordered = [...reachable].sort((a, b) => Number(b.isHome) - Number(a.isHome));
  return {
    activeRegion: newActive.region,
    configure: topology.stacks,
    reachable: ordered,
    up: options.upAll ? ordered : [newActive],
    skipped: topology.stacks
      .filter((s) => s.region === options.unreachableRegion)
      .map((s) => ({
        stack: s.stack,
        why: `${s.region} is the region being failed away from; refresh it when it is back`,
      })),
  };
}

export async function reconcile(
  plan: ReconcilePlan,
  ops: StackOps,
  progress: Progress,
  rerun: string,
): Promise<UpSummary[]> {
  const promoted = `the data tier is promoted and the authority names ${plan.activeRegion} active`;
  const fail = (what: string, error: unknown, done: string): never => {
    if (error instanceof StackBusy) {
      throw new StepFailed(
        `${what}: another update is running on stack ${error.stack}`,
        `${promoted}; ${done}`,
        `wait for that update to finish (never cancel it: \`pulumi stack history -s ${error.stack}\` shows it), then \`${rerun}\``,
      );
    }
    throw new StepFailed(
      `${what}: ${(error as Error).message}`,
      `${promoted}; ${done}`,
      `fix the cause, then \`${rerun}\` (the promotion is done; a rerun goes straight to the IaC steps)`,
    );
  };

  for (const stack of plan.configure) {
    await progress
      .step(
        "config",
        `${stack.stack}: magento-dr:activeRegion = ${plan.activeRegion} (Pulumi.${stack.stack}.yaml)`,
        () => ops.setActiveRegion(stack.stack, plan.activeRegion),
      )
      .catch((e) =>
        fail(`setting activeRegion in ${stack.stack}`, e, "some stack files are not updated yet"),
      );
  }
  for (const skipped of plan.skipped) progress.skip(`refresh`, `${skipped.stack}: ${skipped.why}`);

  const configured = "every stack file names the new active region; nothing was applied with up";
  for (const stack of plan.reachable) {
    await progress
      .step("refresh", stack.stack, () => ops.refresh(stack.stack))
      .catch((e) => fail(`refreshing ${stack.stack}`, e, configured));
  }
  const preview = (stack: StackInfo) =>
    checkedPreview(stack, ops, progress, `${promoted}; ${configured}`, (what, e) =>
      fail(what, e, configured),
    );
  for (const stack of plan.reachable) await preview(stack);

  const summaries: UpSummary[] = [];
  for (const [i, stack] of plan.up.entries()) {
    // An earlier up may have changed this stack's inputs (its StackReference to home).
    if (i > 0) await preview(stack);
    const summary = await progress
      .step(
        "up",
        `${stack.stack} with policy pack policies (policies/prod.json)`,
        () => ops.up(stack.stack),
        (s) => ({ result: `${s.result}: ${JSON.stringify(s.resourceChanges)}` }),
      )
      .catch((e) => fail(`pulumi up of ${stack.stack}`, e, `${configured} to ${stack.stack}`));
    summaries.push(summary);
  }
  return summaries;
}

async function checkedPreview(
  stack: StackInfo,
  ops: StackOps,
  progress: Progress,
  state: string,
  fail: (what: string, error: unknown) => never,
): Promise<void> {
  const changes = await progress
    .step(
      "preview",
      stack.stack,
      () => ops.previewChanges(stack.stack),
      (c) => ({
        result: `${c.filter((x) => x.op !== "same").length} change(s)`,
      }),
    )
    .catch((e) => fail(`previewing ${stack.stack}`, e));
  const verdict = judgePreview(changes);
  for (const notice of verdict.notices) progress.skip("notice", describeChange(notice));
  const record = progress.start(
    "preview-check",
    `${stack.stack}: no replace or delete of stateful resources`,
  );
  if (verdict.blocking.length === 0) {
    progress.end(record, "done", "clean");
    return;
  }
  progress.end(record, "failed", `${verdict.blocking.length} stateful resource(s) would be lost`);
  throw new StepFailed(
    `the preview of ${stack.stack} would ${verdict.blocking.map(describeChange).join("; ")}`,
    `${state}; up did not run`,
    `do NOT run \`pulumi up -s ${stack.stack}\`: it would destroy data. Find the property the failover changed ` +
      "that the program does not ignore (components/: ignoreChanges), fix the program, check with " +
      `\`npm run plan -- --stack ${stack.stack} --config activeRegion=<region>\`, then rerun this command`,
  );
}
