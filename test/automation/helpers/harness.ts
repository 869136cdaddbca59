// Runs the operator CLI in-process against: the fake two-region AWS (aws-sdk-client-mock), a real
// authority table in dynalite, a recording StackOps, settings from the offline plan (the same
// plans the program tests use, cached), a scripted prompt and a collected output.
import assert from "node:assert/strict";
import { IncidentLog, type IncidentRecord } from "../../../functions/region/audit";
import { AuthorityStore, type AuthorityRecord } from "../../../functions/region/authority";
import { createRegionalClients } from "../../../functions/region/clients";
import { memoryLogger } from "../../../functions/region/log";
import { resolveSettings, type RegionFailoverSettings } from "../../../functions/region/settings";
import type { CliDeps } from "../../../automation/context";
import { parseOrExit, runMode } from "../../../automation/main";
import { PlanStackFacts } from "../../../automation/settings/planFacts";
import { DerivedSettingsSource, type SettingsSource } from "../../../automation/settings/source";
import type { PreviewChange, StackOps, UpSummary } from "../../../automation/stackOps";
import { readTopology, type StackInfo } from "../../../automation/topology";
import { planOf } from "../../helpers/plan";
import { startDynalite, uniqueTableName, type LocalDynamo } from "../../region/helpers/dynalite";
import { FakeAws } from "./fakeAws";

export const topology = readTopology();
const planSettings = new DerivedSettingsSource(
  topology,
  new PlanStackFacts((stack) => planOf(stack)),
  "the offline plan",
);

/** The plan's settings with this test's table and deadlines short enough for a test. */
class TestSettings implements SettingsSource {
  readonly description = "the offline plan (test deadlines)";
  constructor(private readonly tableName: string) {}

  async settingsFor(stack: StackInfo): Promise<RegionFailoverSettings> {
    const s = await planSettings.settingsFor(stack);
    return resolveSettings({
      ...s,
      authority: { ...s.authority, tableName: this.tableName },
      leaseTtlMs: 20_000,
      retry: { baseDelayMs: 1, maxDelayMs: 4, cacheFailoverAttempts: 2 },
      deadlines: {
        overallMs: 8_000,
        cacheMs: 2_000,
        databaseMs: 2_000,
        mediaMs: 1_000,
        endpointsMs: 1_000,
        capacityMs: 2_000,
        gateMs: 500,
        notifyMs: 500,
      },
      sdk: { connectionTimeoutMs: 200, requestTimeoutMs: 1_000, maxAttempts: 1 },
    });
  }
}

export interface StackCall {
  op: "setActiveRegion" | "refresh" | "previewChanges" | "up";
  stack: string;
  region?: string;
  /** How many AWS calls had been made when this one started: orders IaC against AWS. */
  awsCallsBefore: number;
}

export class RecordingStackOps implements StackOps {
  calls: StackCall[] = [];
  previews: Record<string, PreviewChange[]> = {};
  failOn?: { op: StackCall["op"]; stack: string; error: Error };

  constructor(private readonly aws: FakeAws) {}

  private record(op: StackCall["op"], stack: string, region?: string) {
    this.calls.push({ op, stack, region, awsCallsBefore: this.aws.calls.length });
    if (this.failOn?.op === op && this.failOn.stack === stack) throw this.failOn.error;
  }

  async setActiveRegion(stack: string, region: string) {
    this.record("setActiveRegion", stack, region);
  }
  async refresh(stack: string) {
    this.record("refresh", stack);
  }
  async previewChanges(stack: string): Promise<PreviewChange[]> {
    this.record("previewChanges", stack);
    return (
      this.previews[stack] ?? [
        {
          op: "same",
          type: "aws:rds/instance:Instance",
          urn: `urn:pulumi:${stack}::magento-dr::db`,
        },
        {
          op: "update",
          type: "aws:autoscaling/group:Group",
          urn: `urn:pulumi:${stack}::magento-dr::asg`,
        },
      ]
    );
  }
  async up(stack: string): Promise<UpSummary> {
    this.record("up", stack);
    return { resourceChanges: { same: 412, update: 3 }, result: "succeeded" };
  }
}

export interface Cli {
  aws: FakeAws;
  stackOps: RecordingStackOps;
  tableName: string;
  lines: string[];
  questions: string[];
  /** Answers the prompt gives, in order; an empty queue answers "no". */
  answers: string[];
  run(argv: string[], overrides?: Partial<CliDeps>): Promise<number>;
  authority(): Promise<AuthorityRecord>;
  /** The incident's audit record, where every promotion run is appended. */
  incident(incidentId: string): Promise<IncidentRecord | undefined>;
  /** The settings the CLI runs with for `stack` (the test table, short deadlines). */
  settingsFor(stack: string): Promise<RegionFailoverSettings>;
  output(): string;
  close(): void;
}

export async function cli(dynamo: LocalDynamo, aws = new FakeAws()): Promise<Cli> {
  const tableName = uniqueTableName("promote");
  await dynamo.createAuthorityTable(tableName);
  aws.install();
  const stackOps = new RecordingStackOps(aws);
  const lines: string[] = [];
  const questions: string[] = [];
  const answers: string[] = [];
  const settings = new TestSettings(tableName);
  await registerFunctions(aws, settings);
  const authorityClient = dynamo.client("eu-west-1");
  const timeouts = { connectionTimeoutMs: 200, requestTimeoutMs: 1_000, maxAttempts: 1 };
  const deps = (): CliDeps => ({
    topology,
    settings,
    stackOps,
    aws: {
      regional: (region) => createRegionalClients(region, timeouts),
      authority: () => authorityClient,
    },
    confirm: async (question, expected) => {
      questions.push(question);
      return answers.shift() === expected;
    },
    print: (line) => lines.push(line),
    now: Date.now,
    log: memoryLogger().logger,
    user: "alice",
    timings: { observeTimeoutMs: 1_000, quiesce: { settleMs: 0, deadlineMs: 500 } },
    probe: async () => ({ ok: true, detail: "HTTP 200", ms: 3 }),
    controlPlanes: async () => ({
      answering: true,
      details: ["IAM: HTTP 403", "Route 53: HTTP 403"],
    }),
  });
  return {
    aws,
    stackOps,
    tableName,
    lines,
    questions,
    answers,
    async run(argv, overrides = {}) {
      const print = (line: string) => lines.push(line);
      const parsed = parseOrExit(argv, () => topology, print, print);
      if (typeof parsed === "number") return parsed;
      return runMode(parsed, { ...deps(), ...overrides });
    },
    async authority() {
      const s = await settings.settingsFor(topology.standby);
      return new AuthorityStore({
        client: authorityClient,
        tableName,
        initialActiveRegion: s.initialActiveRegion,
      }).read();
    },
    incident: (incidentId) =>
      new IncidentLog({ client: authorityClient, tableName }).read(incidentId),
    settingsFor: (stack) => settings.settingsFor(topology.stacks.find((s) => s.stack === stack)!),
    output: () => lines.join("\n"),
    close: () => aws.restore(),
  };
}

/**
 * The functions each stack deploys, where it deploys them, so the fake's Invoke answers those and
 * nothing else (a test may have set up its own first).
 */
async function registerFunctions(aws: FakeAws, settings: SettingsSource) {
  for (const stack of topology.stacks) {
    const s = await settings.settingsFor(stack);
    const own = [
      [s.search?.replicationFunctionName, "search"],
      [s.heartbeat?.readerFunctionName, "heartbeat-reader"],
    ] as const;
    for (const [name, kind] of own) {
      if (name && !(name in aws.state.functions)) {
        aws.state.functions[name] = { region: stack.region, kind };
      }
    }
  }
}

/** Nothing was written: no AWS write, no StackOps call, the authority table never written. */
export function assertNothingChanged(c: Cli, authority: { exists: boolean; epoch: number }) {
  assert.deepEqual(c.aws.writes(), [], "no AWS write");
  assert.deepEqual(c.stackOps.calls, [], "no config write, refresh, preview or up");
  assert.equal(authority.exists, false, "the authority table was not written");
  assert.equal(authority.epoch, 0);
}

/**
 * Registers a CLI suite's hooks (one dynalite per file, each test's fakes restored after it) and
 * returns the function that starts a test's CLI.
 */
export function cliSuite(): { start(aws?: FakeAws): Promise<Cli>; dynamo(): LocalDynamo } {
  let dynamo: LocalDynamo | undefined;
  let current: Cli | undefined;
  before(async function () {
    // Planning both stacks costs seconds of CPU once per process; on a loaded machine that can
    // exceed a test's own timeout, so it is paid here, with room to spare.
    this.timeout(300_000);
    dynamo = await startDynalite();
    for (const stack of topology.stacks) await planSettings.settingsFor(stack);
  });
  after(() => dynamo?.stop());
  afterEach(() => {
    current?.close();
    current = undefined;
  });
  return {
    start: async (aws?: FakeAws) => (current = await cli(dynamo!, aws)),
    dynamo: () => dynamo!,
  };
}
