// Each alarm that decides something, fed the values its publisher really sends (written here as
// literals, not read from the code's constants): the gate closes on the value a promotion
// publishes and only then, a track failure pages, a replica's lag pages above its threshold and
// when the replica goes silent, the search tier alarms when the checker reports it unhealthy.
import * as assert from "assert";
import { evaluateAlarm, type AlarmDefinition } from "./helpers/alarmEval";
import { one, planOf } from "./helpers/plan";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

async function alarm(
  stack: string,
  suffix: string,
): Promise<AlarmDefinition & Record<string, any>> {
  return one(await planOf(stack), ALARM, suffix).inputs as AlarmDefinition & Record<string, any>;
}

describe("alarm semantics: what each deciding alarm does with the values it receives", function () {
  this.timeout(300_000);

  it("the region gate closes on the 1 a promotion publishes, reopens on 0, and keeps its state in silence", async () => {
    const gate = await alarm("prod-use1", "-dns-gate");
    assert.strictEqual(evaluateAlarm(gate, [1]), "ALARM");
    assert.strictEqual(evaluateAlarm(gate, [0]), "OK");
    assert.strictEqual(evaluateAlarm(gate, [undefined]), "UNCHANGED");
  });

  it("a failed promotion track (value 1) pages; a minute without a promotion does not", async () => {
    const tracks = await alarm("prod-euw1", "-failover-track");
    assert.strictEqual(evaluateAlarm(tracks, [1]), "ALARM");
    assert.strictEqual(evaluateAlarm(tracks, [undefined]), "OK");
    const capacity = await alarm("prod-euw1", "-failover-capacity");
    assert.strictEqual(evaluateAlarm(capacity, [1]), "ALARM");
    assert.strictEqual(evaluateAlarm(capacity, [undefined]), "OK");
  });

  it("the standby's replica lag pages after three minutes above 60 s, or three silent minutes", async () => {
    const lag = await alarm("prod-euw1", "-db-replica-lag");
    assert.strictEqual(evaluateAlarm(lag, [61, 61, 61]), "ALARM");
    assert.strictEqual(evaluateAlarm(lag, [61, 61, 60]), "OK", "60 s is within the threshold");
    assert.strictEqual(evaluateAlarm(lag, [0, 120, 120]), "OK", "two minutes are not three");
    assert.strictEqual(evaluateAlarm(lag, [undefined, undefined, undefined]), "ALARM");
  });

  it("the search tier alarms after three minutes the checker reports it unhealthy (0) or says nothing", async () => {
    const tier = await alarm("prod-euw1", "-search-tier-unhealthy");
    assert.strictEqual(evaluateAlarm(tier, [0, 0, 0]), "ALARM");
    assert.strictEqual(evaluateAlarm(tier, [0, 0, 1]), "OK");
    assert.strictEqual(evaluateAlarm(tier, [undefined, undefined, undefined]), "ALARM");
  });
});
