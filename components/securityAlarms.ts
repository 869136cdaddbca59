import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  INSTANCE_METRICS,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACES,
} from "../functions/contractMetrics";

/** An alarm that pages `topicArn` as soon as a count metric is 1 or more in a minute. */
export function pageOnCount(
  name: string,
  args: {
    alarmName?: string;
    description: string;
    namespace: pulumi.Input<string>;
    metricName: pulumi.Input<string>;
    dimensions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    topicArn: pulumi.Input<string>;
    /** @default "Sum" (a count); "Maximum" for a level such as the region gate */
    statistic?: "Sum" | "Maximum";
  },
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name: args.alarmName,
      alarmDescription: args.description,
      namespace: args.namespace,
      metricName: args.metricName,
      dimensions: args.dimensions,
      statistic: args.statistic ?? "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [args.topicArn],
      okActions: [args.topicArn],
    },
    { parent },
  );
}

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
    pageOnCount(
      `${name}-endpoint-rejected`,
      {
        alarmName: endpointRejected,
        description:
          "An instance refused an endpoint parameter that names a host this stack did not create " +
          "(it keeps its last good env.php): find who wrote the SSM parameter",
        namespace: METRIC_NAMESPACES.instances,
        metricName: INSTANCE_METRICS.endpointRejected,
        dimensions: { [METRIC_DIMENSIONS.stack]: args.stack },
        topicArn: args.topicArn,
      },
      this,
    );
    this.alarmNames.push(endpointRejected);
    this.registerOutputs({});
  }
}
