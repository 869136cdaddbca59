// LOG: when a failover goes wrong at 3 a.m., the evidence exists, is kept for a known time, and a
// failed asynchronous invocation lands somewhere instead of vanishing.
import * as aws from "@pulumi/aws";
import {
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { integer, settings, stringList } from "../lib/config";
import { identifies, ofType, refersTo, siblings, Typed } from "../lib/stack";
import { Subject } from "../lib/subject";
import { isSet, known, knownList, UNKNOWN } from "../lib/values";

export const lambdaFunctionLimits: ResourceValidationPolicy = {
  name: "lambda-function-limits",
  description: "Lambda functions set their timeout and memory explicitly.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const subject = new Subject(args, report);
    subject.expectSet(
      "timeout",
      () => fn.timeout,
      "must set its timeout",
      "Set timeout to what the work needs; the 3 s default cuts an AWS call to a slow regional API short.",
    );
    subject.expectSet(
      "memorySize",
      () => fn.memorySize,
      "must set its memory",
      "Set memorySize (CPU scales with it; the 128 MB default makes the SDK's cold start slow).",
    );
  }),
};

const logGroupSchema = {
  properties: { minimumDays: integer("Fewest days a log group keeps events.", 7, 1) },
};

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups keep events for a set number of days, not forever.",
  enforcementLevel: "advisory",
  configSchema: logGroupSchema,
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, report) => {
    const { minimumDays } = settings<{ minimumDays: number }>(args, logGroupSchema);
    new Subject(args, report).expect({
      property: "retentionInDays",
      read: () => group.retentionInDays,
      ok: (v) => v !== undefined && v >= minimumDays,
      must: `must keep events for a set period of at least ${minimumDays} days`,
      fix: `Set retentionInDays (${minimumDays} or more; unset or 0 keeps them forever).`,
    });
  }),
};

type LambdaFunction = Typed<Unwrap<aws.lambda.FunctionArgs>>;

/**
 * The log group a function writes to: `loggingConfig.logGroup` when set, otherwise Lambda's
 * default `/aws/lambda/<function name>` (the name may be Pulumi's auto-name).
 */
function logGroupOf(fn: LambdaFunction, groups: Typed<Unwrap<aws.cloudwatch.LogGroupArgs>>[]) {
  const all = groups.map((g) => g.resource);
  const configured = known(() => fn.props.loggingConfig?.logGroup);
  if (configured !== undefined) {
    return groups.find((g) => refersTo(configured, fn.resource, g.resource, all));
  }
  return groups.find((g) => {
    const name = known(() => g.props.name);
    if (name === UNKNOWN) return siblings(fn.resource, g.resource);
    return typeof name === "string" && name.startsWith("/aws/lambda/")
      ? identifies(name.slice("/aws/lambda/".length), fn.resource)
      : false;
  });
}

export const lambdaFunctionLogGroup: StackValidationPolicy = {
  name: "lambda-function-log-group",
  description:
    "Every Lambda function's log group is declared in the stack, so its retention is managed.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const groups = ofType(args.resources, aws.cloudwatch.LogGroup);
    for (const fn of ofType(args.resources, aws.lambda.Function)) {
      if (logGroupOf(fn, groups)) continue;
      new Subject(fn.resource, report).fail(
        "must log to a log group declared in this stack",
        "no aws.cloudwatch.LogGroup matches its loggingConfig.logGroup or /aws/lambda/<name>",
        "Create an aws.cloudwatch.LogGroup with retentionInDays and pass its name as loggingConfig.logGroup.",
      );
    }
  },
};

export const lambdaFunctionFailureDestination: StackValidationPolicy = {
  name: "lambda-function-failure-destination",
  description:
    "Every Lambda function sends failed asynchronous invocations to a destination or dead-letter queue.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const functions = ofType(args.resources, aws.lambda.Function);
    const all = functions.map((f) => f.resource);
    const configs = ofType(args.resources, aws.lambda.FunctionEventInvokeConfig);
    for (const fn of functions) {
      if (isSet(known(() => fn.props.deadLetterConfig?.targetArn))) continue;
      const covered = configs.some(
        (c) =>
          refersTo(
            known(() => c.props.functionName),
            c.resource,
            fn.resource,
            all,
          ) && isSet(known(() => c.props.destinationConfig?.onFailure?.destination)),
      );
      if (covered) continue;
      new Subject(fn.resource, report).fail(
        "must keep failed asynchronous invocations",
        "neither deadLetterConfig nor an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure targets it",
        "Add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination (an SQS queue or SNS topic).",
      );
    }
  },
};

const rdsLogSchema = {
  properties: {
    requiredLogs: stringList("Log types that must be exported (MySQL names).", [
      "error",
      "slowquery",
    ]),
  },
};

export const rdsInstanceLogsExported: ResourceValidationPolicy = {
  name: "rds-instance-logs-exported",
  description: "RDS instances export their error and slow-query logs to CloudWatch.",
  enforcementLevel: "advisory",
  configSchema: rdsLogSchema,
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    const { requiredLogs } = settings<{ requiredLogs: string[] }>(args, rdsLogSchema);
    const exported = knownList(() => db.enabledCloudwatchLogsExports);
    new Subject(args, report).expect({
      property: "enabledCloudwatchLogsExports",
      read: () =>
        exported === UNKNOWN || exported?.includes(UNKNOWN) ? UNKNOWN : (exported ?? []),
      ok: (logs) => requiredLogs.every((log) => logs.includes(log)),
      must: `must export its ${requiredLogs.join(" and ")} logs`,
      fix: `Set enabledCloudwatchLogsExports: ${JSON.stringify(requiredLogs)}.`,
    });
  }),
};

const openSearchLogSchema = {
  properties: {
    requiredLogs: stringList("Log types that must be published.", [
      "ES_APPLICATION_LOGS",
      "AUDIT_LOGS",
    ]),
  },
};

export const opensearchLogsPublished: ResourceValidationPolicy = {
  name: "opensearch-logs-published",
  description: "OpenSearch domains publish their application and audit logs to CloudWatch.",
  enforcementLevel: "advisory",
  configSchema: openSearchLogSchema,
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const { requiredLogs } = settings<{ requiredLogs: string[] }>(args, openSearchLogSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "logPublishingOptions",
      read: () =>
        (domain.logPublishingOptions ?? [])
          .filter((o) => o.enabled !== false)
          .map((o) => o.logType),
      ok: (published) => requiredLogs.every((log) => published.includes(log)),
      must: `must publish its ${requiredLogs.join(" and ")}`,
      fix: `Add logPublishingOptions for ${requiredLogs.join(", ")} with a cloudwatchLogGroupArn (audit logs need fine-grained access control).`,
    });
  }),
};

export const loadBalancerAccessLogs: ResourceValidationPolicy = {
  name: "lb-access-logs",
  description: "Load balancers write access logs to S3.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, report) => {
    new Subject(args, report).expect({
      property: "accessLogs.enabled",
      read: () => lb.accessLogs?.enabled,
      ok: (v) => v === true,
      must: "must write access logs",
      fix: "Set accessLogs: { bucket, enabled: true } with a bucket the region's ELB account may write to.",
    });
  }),
};

export const loggingPolicies = [
  lambdaFunctionLimits,
  logGroupRetention,
  lambdaFunctionLogGroup,
  lambdaFunctionFailureDestination,
  rdsInstanceLogsExported,
  opensearchLogsPublished,
  loadBalancerAccessLogs,
];
