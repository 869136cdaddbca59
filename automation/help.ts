// `npm run promote -- --help`.
export const HELP = `Usage: npm run promote -- <mode> [options]

Moves production between regions with the same step library and authority lease as the failover
Lambdas (holder "operator:<the AWS principal you run as>", read with sts:GetCallerIdentity),
then reconciles IaC with the Pulumi Automation API.

Modes
  status                   Each stack's region and role, the authority epoch and lease, the loss
                           window the standby's RPO heartbeat measures, replication lag per tier,
                           the health of each region, and what a failover would do now. Read-only.
  hold --for <90s|45m|2h> --reason <text>
                           Declares planned maintenance (at most 24 h, expires by itself): the
                           automatic failover path promotes and resumes nothing meanwhile; this CLI
                           still works. Stored in the authority table, shown by status.
  hold --clear             Ends the hold now.
  planned   --to <stack>   Switchover with no data loss where the service allows. Refused (exit 3,
                           nothing changed) if the target is not ready or the RPO is not shown to
                           hold: the measured loss window over rpoBudgetSeconds (the lag metric
                           decides only when the window cannot be read), or the cache's or media's
                           lag over its budget. After the lease it waits until a heartbeat
                           written after the fence is on the replica (zero database lag where it
                           cannot tell), then promotes cache, database and media, scales up, points
                           the endpoints at the target and moves traffic last.
  unplanned --to <stack>   The orchestrator's unplanned path, for when the active region is failing:
                           an RPO over budget does not stop it (the prompt shows the loss window
                           and the lag: what is lost), an unready target does. Asks you to type
                           the target region (or --yes).
                           Calls nothing in the region being left.
  failback  --to <stack>   Back to a region that was failed away from: starts EFS replication into
                           it (after a typed confirmation), checks that its database is a replica of
                           the active writer and its cache can take over (prints the manual steps if
                           not), then a planned switchover to it and \`up\` on every stack, home first.
                           Rerun it until it completes: each run does only what is missing.
  drill    [--to <stack>]  A planned switchover to <stack> (default: the standby stack) and a
                           failback, with a timing report per step against the recovery budget.

Every mode except status ends with IaC: activeRegion set in every stack file, refresh, a preview
that must not replace or delete a stateful resource (else exit 1 before any up), then up with the
policy pack (policies, policies/prod.json); summary.resourceChanges is printed.

Options
  --to <stack>             Stack to make active (a Pulumi.<stack>.yaml in this project).
  --dry-run                Print the ordered steps (API, region, resource), the config changes and
                           the stack updates; change nothing (only read calls are made).
  --yes                    Answer the confirmation prompt (unplanned, failback, drill).
  --settings <source>      Where the failover settings come from: "deployed" (default: the
                           orchestrator's FAILOVER_SETTINGS and the outputs in the stacks' Pulumi
                           state) or "plan" (the offline plan of this checkout; for dry runs).
  -h, --help               This text.

Exit codes
  0  done (for --dry-run: the plan was printed)
  1  a step failed; the state is consistent and the next step is printed
  2  bad usage: unknown mode or option, missing --to, unknown stack
  3  refused by a precondition (RPO, target health, lease held, not confirmed); what changed, if
     anything, is printed

Runbook: docs/runbook.md; the RPO: docs/rpo.md`;
