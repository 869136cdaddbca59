import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { INSTANCE_METRIC_NAMESPACE } from "./bootstrap/userData";

export interface SecurityAlarmsArgs {
  /** Prefix of the alarm names (`<project>-<stack>`). */
  namePrefix: string;
  /** The stack name: the dimension the instances publish their metrics with. */
  stack: string;
  /** The operator topic every alarm pages. */
  topicArn: pulumi.Input<string>;
}

/**
 * Alarms on attempts to move the shop from outside the automation: an instance that refused an
 * endpoint parameter naming a host the stack did not create (someone wrote SSM, or tried to).
 */
export class SecurityAlarms extends pulumi.ComponentResource {
  public readonly alarmNames: string[] = [];

  constructor(name: string, args: SecurityAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("magento-dr:automation:SecurityAlarms", name, {}, opts);
    const endpointRejected = `${args.namePrefix}-endpoint-rejected`;
    new aws.cloudwatch.MetricAlarm(
      `${name}-endpoint-rejected`,
      {
        name: endpointRejected,
        alarmDescription:
          "An instance refused an endpoint parameter that names a host this stack did not create " +
          "(it keeps its last good env.php): find who wrote the SSM parameter",
        namespace: INSTANCE_METRIC_NAMESPACE,
        metricName: "EndpointRejected",
        dimensions: { Stack: args.stack },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [args.topicArn],
        okActions: [args.topicArn],
      },
      { parent: this },
    );
    this.alarmNames.push(endpointRejected);
    this.registerOutputs({});
  }
}
