import * as aws from "@pulumi/aws";
import {
  lambdaFunctionFailureDestination,
  lambdaFunctionLimits,
  lambdaFunctionLogGroup,
  loadBalancerAccessLogs,
  logGroupRetention,
  opensearchLogsPublished,
  rdsInstanceLogsExported,
} from "../../policies/rules/logging";
import {
  database,
  lambdaFunction,
  loadBalancer,
  mutate,
  searchDomain,
  standbyStack,
  without,
} from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  check,
  checkStack,
  Declared,
  preview,
  U,
  urnOf,
} from "./util";

const PARENT = "urn:pulumi:test::magento-dr::magento-dr:automation:FailoverFunction::cache-sync";

/** A function with an auto-named log group of the default name, as CallbackFunction users write it. */
function cacheSync(logGroupName: unknown): Declared[] {
  return [
    { cls: aws.lambda.Function, name: "cache-sync", props: lambdaFunction, parent: PARENT },
    {
      cls: aws.cloudwatch.LogGroup,
      name: "cache-sync-logs",
      props: { name: logGroupName, retentionInDays: 30 },
      parent: PARENT,
    },
  ];
}

describe("policies: logging", () => {
  describe("lambda-function-limits", () => {
    it("passes an explicit timeout and memory, known or not", () => {
      assertNoViolations(check(lambdaFunctionLimits, aws.lambda.Function, lambdaFunction));
      assertNoViolations(
        check(
          lambdaFunctionLimits,
          aws.lambda.Function,
          preview({ ...lambdaFunction, timeout: U }),
        ),
      );
    });

    it("flags the default timeout", () => {
      assertViolation(
        check(lambdaFunctionLimits, aws.lambda.Function, { ...lambdaFunction, timeout: undefined }),
        ['lambda.Function "test" must set its timeout'],
      );
    });

    it("flags the default memory", () => {
      assertViolation(
        check(lambdaFunctionLimits, aws.lambda.Function, {
          ...lambdaFunction,
          memorySize: undefined,
        }),
        ["must set its memory"],
      );
    });
  });

  describe("log-group-retention", () => {
    it("passes 30 days", () => {
      assertNoViolations(
        check(logGroupRetention, aws.cloudwatch.LogGroup, { retentionInDays: 30 }),
      );
    });

    it("flags retention forever", () => {
      assertViolation(check(logGroupRetention, aws.cloudwatch.LogGroup, {}), [
        "must keep events for a set period of at least 7 days",
        "retentionInDays is not set",
      ]);
    });

    it("reports a retention unknown during preview", () => {
      assertUnverifiable(
        check(logGroupRetention, aws.cloudwatch.LogGroup, preview({ retentionInDays: U })),
        "retentionInDays",
      );
    });
  });

  describe("lambda-function-log-group", () => {
    it("passes a log group named in loggingConfig", () => {
      assertNoViolations(checkStack(lambdaFunctionLogGroup, standbyStack()));
    });

    it("passes /aws/lambda/<auto-name>, or a sibling group whose name is not known yet", () => {
      assertNoViolations(
        checkStack(lambdaFunctionLogGroup, cacheSync("/aws/lambda/cache-sync-4f3e2d1")),
      );
      assertNoViolations(
        checkStack(
          lambdaFunctionLogGroup,
          cacheSync(U).map((r) => ({ ...r, props: preview(r.props) })),
        ),
      );
    });

    it("flags a function whose log group Lambda would create, without retention", () => {
      assertViolation(
        checkStack(lambdaFunctionLogGroup, cacheSync("/aws/lambda/other-4f3e2d1")),
        ['lambda.Function "cache-sync" must log to a log group declared in this stack'],
        urnOf("aws:lambda/function:Function", "cache-sync"),
      );
    });

    it("flags a loggingConfig naming a group that is not in the stack", () => {
      assertViolation(
        checkStack(lambdaFunctionLogGroup, without(standbyStack(), "standby-orchestrator-logs")),
        ['lambda.Function "standby-orchestrator" must log to a log group declared in this stack'],
      );
    });
  });

  describe("lambda-function-failure-destination", () => {
    it("passes an invoke config with an onFailure destination", () => {
      assertNoViolations(checkStack(lambdaFunctionFailureDestination, standbyStack()));
    });

    it("passes a dead-letter queue", () => {
      const stack = mutate(
        without(standbyStack(), "standby-orchestrator-failures"),
        "standby-orchestrator",
        (r) => ({
          ...r,
          props: {
            ...r.props,
            deadLetterConfig: { targetArn: "arn:aws:sqs:eu-west-1:123456789012:dlq" },
          },
        }),
      );
      assertNoViolations(checkStack(lambdaFunctionFailureDestination, stack));
    });

    it("flags a function whose failures vanish", () => {
      assertViolation(
        checkStack(
          lambdaFunctionFailureDestination,
          without(standbyStack(), "standby-orchestrator-failures"),
        ),
        [
          'lambda.Function "standby-orchestrator" must keep failed asynchronous invocations',
          "destinationConfig.onFailure.destination",
        ],
      );
    });

    it("does not credit an invoke config of another function", () => {
      const stack = mutate(standbyStack(), "standby-orchestrator-failures", (r) => ({
        ...r,
        parent: undefined,
        props: { ...r.props, functionName: "cache-sync-4f3e2d1" },
      }));
      assertViolation(checkStack(lambdaFunctionFailureDestination, stack), [
        "must keep failed asynchronous invocations",
      ]);
    });
  });

  describe("rds-instance-logs-exported", () => {
    it("passes error and slow-query logs", () => {
      assertNoViolations(check(rdsInstanceLogsExported, aws.rds.Instance, database));
    });

    it("flags a missing slow-query log", () => {
      assertViolation(
        check(rdsInstanceLogsExported, aws.rds.Instance, {
          ...database,
          enabledCloudwatchLogsExports: ["error"],
        }),
        ["must export its error and slowquery logs", 'enabledCloudwatchLogsExports is ["error"]'],
      );
    });
  });

  describe("opensearch-logs-published", () => {
    it("passes application and audit logs", () => {
      assertNoViolations(check(opensearchLogsPublished, aws.opensearch.Domain, searchDomain));
    });

    it("flags a disabled audit log", () => {
      assertViolation(
        check(opensearchLogsPublished, aws.opensearch.Domain, {
          ...searchDomain,
          logPublishingOptions: [
            { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: "a" },
            { logType: "AUDIT_LOGS", cloudwatchLogGroupArn: "b", enabled: false },
          ],
        }),
        [
          "must publish its ES_APPLICATION_LOGS and AUDIT_LOGS",
          'logPublishingOptions is ["ES_APPLICATION_LOGS"]',
        ],
      );
    });
  });

  describe("lb-access-logs", () => {
    it("passes access logs", () => {
      assertNoViolations(check(loadBalancerAccessLogs, aws.lb.LoadBalancer, loadBalancer));
    });

    it("flags a load balancer without them", () => {
      assertViolation(
        check(loadBalancerAccessLogs, aws.lb.LoadBalancer, {
          ...loadBalancer,
          accessLogs: undefined,
        }),
        ["must write access logs"],
      );
    });
  });
});
