// How CloudWatch decides an alarm's state from its last datapoints, so a test can feed an alarm
// the values its publisher really sends and see whether it pages. From "Evaluating an alarm"
// (CloudWatch User Guide, "Using Amazon CloudWatch alarms"): the alarm goes to ALARM when at least
// `datapointsToAlarm` (default: `evaluationPeriods`) of the last `evaluationPeriods` periods breach;
// a missing datapoint is treated as `treatMissingData` says ("breaching", "notBreaching",
// "ignore": the state is kept, "missing": not evaluated). Each period here holds one value (the
// statistic of a one-minute period: the tests publish one datapoint per minute).
export type AlarmState = "ALARM" | "OK" | "UNCHANGED";

export interface AlarmDefinition {
  comparisonOperator: string;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  treatMissingData?: string;
}

function breaches(op: string, value: number, threshold: number): boolean {
  switch (op) {
    case "GreaterThanThreshold":
      return value > threshold;
    case "GreaterThanOrEqualToThreshold":
      return value >= threshold;
    case "LessThanThreshold":
      return value < threshold;
    case "LessThanOrEqualToThreshold":
      return value <= threshold;
    default:
      throw new Error(`alarmEval: comparison operator ${op} not modelled`);
  }
}

/** The state after these periods (oldest first; `undefined` = no datapoint in that period). */
export function evaluateAlarm(alarm: AlarmDefinition, periods: (number | undefined)[]): AlarmState {
  const window = periods.slice(-alarm.evaluationPeriods);
  const missing = alarm.treatMissingData ?? "missing";
  if (window.every((v) => v === undefined) && (missing === "ignore" || missing === "missing")) {
    return "UNCHANGED";
  }
  const breaching = window.filter((v) =>
    v === undefined
      ? missing === "breaching"
      : breaches(alarm.comparisonOperator, v, alarm.threshold),
  ).length;
  return breaching >= (alarm.datapointsToAlarm ?? alarm.evaluationPeriods) ? "ALARM" : "OK";
}
