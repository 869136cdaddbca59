// DEL: the cloud itself refuses to delete what a failover depends on, whoever asks (Pulumi's
// `protect` only guards against Pulumi; see dr-stateful-resources-protected).
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Subject } from "../lib/subject";
import { expectOnEveryReplica } from "./backups";

export const rdsInstanceDeletionProtection: ResourceValidationPolicy = {
  name: "rds-instance-deletion-protection",
  description: "RDS instances, replicas included, have deletion protection.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    new Subject(args, report).expect({
      property: "deletionProtection",
      read: () => db.deletionProtection,
      ok: (v) => v === true,
      must: "must have deletion protection",
      fix: "Set deletionProtection: true; the standby's replica is the only copy once the home region is gone.",
    });
  }),
};

export const dynamodbTableDeletionProtection: ResourceValidationPolicy = {
  name: "dynamodb-table-deletion-protection",
  description: "DynamoDB tables, and each of their replicas, have deletion protection.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
    const subject = new Subject(args, report);
    subject.expect({
      property: "deletionProtectionEnabled",
      read: () => table.deletionProtectionEnabled,
      ok: (v) => v === true,
      must: "must have deletion protection",
      fix: "Set deletionProtectionEnabled: true.",
    });
    expectOnEveryReplica(
      subject,
      table,
      "deletionProtectionEnabled",
      "must have deletion protection on every replica",
    );
  }),
};

export const loadBalancerDeletionProtection: ResourceValidationPolicy = {
  name: "lb-deletion-protection",
  description:
    "Load balancers have deletion protection, since the failover DNS records point at them.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, report) => {
    new Subject(args, report).expect({
      property: "enableDeletionProtection",
      read: () => lb.enableDeletionProtection,
      ok: (v) => v === true,
      must: "must have deletion protection",
      fix: "Set enableDeletionProtection: true; a new ALB gets a new DNS name and breaks the failover record.",
    });
  }),
};

export const deletionProtectionPolicies = [
  rdsInstanceDeletionProtection,
  dynamodbTableDeletionProtection,
  loadBalancerDeletionProtection,
];
