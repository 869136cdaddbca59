// ENC: data is encrypted at rest and on the wire, in both regions (replicas included).
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { stringList, settings } from "../lib/config";
import { Subject } from "../lib/subject";
import { known, knownList, UNKNOWN } from "../lib/values";
import { isGlobalDatastoreMember } from "./multiAz";

export const rdsStorageEncrypted: ResourceValidationPolicy = {
  name: "rds-storage-encrypted",
  description:
    "RDS instances encrypt their storage; a cross-region replica names a KMS key of its region.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    const subject = new Subject(args, report);
    const replicaOf = known(() => db.replicateSourceDb);
    if (replicaOf !== undefined && replicaOf !== "") {
      // A replica inherits encryption from its source; across regions it needs a key of its own
      // region, and storageEncrypted is then ignored.
      const encrypted = known(() => db.storageEncrypted);
      if (encrypted === true) return;
      subject.expectSet(
        "kmsKeyId",
        () => db.kmsKeyId,
        "must be encrypted with a KMS key of its region",
        "Set kmsKeyId to a key in the replica's region (required for a cross-region replica of an encrypted source).",
      );
      return;
    }
    subject.expect({
      property: "storageEncrypted",
      read: () => db.storageEncrypted,
      ok: (v) => v === true,
      must: "must encrypt its storage",
      fix: "Set storageEncrypted: true with a customer-managed kmsKeyId (it cannot be changed later without a restore).",
    });
  }),
};

export const elasticacheEncryption: ResourceValidationPolicy = {
  name: "elasticache-encryption",
  description:
    "ElastiCache replication groups encrypt at rest and in transit; Global Datastore members inherit both from the primary.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      // ElastiCache rejects these settings on a member: they come from the global group's primary.
      if (isGlobalDatastoreMember(group)) return;
      const subject = new Subject(args, report);
      subject.expect({
        property: "atRestEncryptionEnabled",
        read: () => group.atRestEncryptionEnabled,
        ok: (v) => v === true,
        must: "must encrypt data at rest",
        fix: "Set atRestEncryptionEnabled: true (with kmsKeyId for a customer-managed key).",
      });
      subject.expect({
        property: "transitEncryptionEnabled",
        read: () => group.transitEncryptionEnabled,
        ok: (v) => v === true,
        must: "must encrypt data in transit",
        fix: "Set transitEncryptionEnabled: true; Magento then connects with tls:// (AUTH requires it too).",
      });
    },
  ),
};

export const dynamodbTableEncryption: ResourceValidationPolicy = {
  name: "dynamodb-table-encryption",
  description:
    "DynamoDB tables encrypt with a KMS key (AWS-managed or customer-managed), not only the AWS-owned key.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
    new Subject(args, report).expect({
      property: "serverSideEncryption.enabled",
      read: () => table.serverSideEncryption?.enabled,
      ok: (v) => v === true,
      must: "must encrypt with a KMS key",
      fix: "Set serverSideEncryption: { enabled: true, kmsKeyArn } so key use is logged in CloudTrail and can be revoked.",
    });
  }),
};

export const efsEncrypted: ResourceValidationPolicy = {
  name: "efs-encrypted",
  description: "EFS file systems are encrypted at rest.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.efs.FileSystem, (fs, args, report) => {
    new Subject(args, report).expect({
      property: "encrypted",
      read: () => fs.encrypted,
      ok: (v) => v === true,
      must: "must be encrypted at rest",
      fix: "Set encrypted: true with kmsKeyId (a new file system is needed to change it).",
    });
  }),
};

const tlsSchema = {
  properties: {
    allowedTlsPolicies: stringList("Accepted OpenSearch endpoint TLS policies.", [
      "Policy-Min-TLS-1-2-2019-07",
      "Policy-Min-TLS-1-2-PFS-2023-10",
    ]),
  },
};

export const opensearchEncryption: ResourceValidationPolicy = {
  name: "opensearch-encryption",
  description:
    "OpenSearch domains encrypt at rest and between nodes, and accept only HTTPS with TLS 1.2 or later.",
  enforcementLevel: "advisory",
  configSchema: tlsSchema,
  validateResource: validateResourceOfType(aws.opensearch.Domain, (domain, args, report) => {
    const { allowedTlsPolicies } = settings<{ allowedTlsPolicies: string[] }>(args, tlsSchema);
    const subject = new Subject(args, report);
    subject.expect({
      property: "encryptAtRest.enabled",
      read: () => domain.encryptAtRest?.enabled,
      ok: (v) => v === true,
      must: "must encrypt data at rest",
      fix: "Set encryptAtRest: { enabled: true, kmsKeyId }.",
    });
    subject.expect({
      property: "nodeToNodeEncryption.enabled",
      read: () => domain.nodeToNodeEncryption?.enabled,
      ok: (v) => v === true,
      must: "must encrypt traffic between nodes",
      fix: "Set nodeToNodeEncryption: { enabled: true } (required for fine-grained access control).",
    });
    subject.expect({
      property: "domainEndpointOptions.enforceHttps",
      read: () => domain.domainEndpointOptions?.enforceHttps,
      ok: (v) => v === true,
      must: "must accept only HTTPS",
      fix: "Set domainEndpointOptions.enforceHttps: true.",
    });
    subject.expect({
      property: "domainEndpointOptions.tlsSecurityPolicy",
      read: () => domain.domainEndpointOptions?.tlsSecurityPolicy,
      ok: (v) => v !== undefined && allowedTlsPolicies.includes(v),
      must: "must require TLS 1.2 or later",
      fix: `Set domainEndpointOptions.tlsSecurityPolicy to one of ${allowedTlsPolicies.join(", ")}.`,
    });
  }),
};

export const launchTemplateEbsEncrypted: ResourceValidationPolicy = {
  name: "launch-template-ebs-encrypted",
  description: "Launch templates declare their EBS volumes, every one encrypted.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, report) => {
    const subject = new Subject(args, report);
    const must = "must encrypt every EBS volume";
    const mappings = knownList(() => template.blockDeviceMappings);
    if (mappings === UNKNOWN) return subject.cannotVerify(must, "blockDeviceMappings");
    const volumes = (mappings ?? []).filter(
      (m) => m === UNKNOWN || known(() => m.ebs) !== undefined,
    );
    if (volumes.length === 0) {
      // Without a mapping the AMI's snapshot settings decide, which the program does not control.
      return subject.fail(
        must,
        "blockDeviceMappings declares no EBS volume",
        'Declare the root volume: blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", ... } }].',
      );
    }
    volumes.forEach((mapping, i) =>
      subject.expect({
        property: `blockDeviceMappings[${i}].ebs.encrypted`,
        read: () => (mapping === UNKNOWN ? mapping : mapping.ebs?.encrypted),
        // The provider types this flag as a string; a boolean from a JS program arrives as-is.
        ok: (v) => String(v) === "true",
        must,
        fix: `Set blockDeviceMappings[${i}].ebs.encrypted: "true".`,
      }),
    );
  }),
};

export const snsTopicEncrypted: ResourceValidationPolicy = {
  name: "sns-topic-encrypted",
  description: "SNS topics encrypt messages with a KMS key.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, args, report) => {
    new Subject(args, report).expectSet(
      "kmsMasterKeyId",
      () => topic.kmsMasterKeyId,
      "must encrypt messages at rest",
      'Set kmsMasterKeyId (a customer-managed key whose policy lets the publishers use it, or "alias/aws/sns").',
    );
  }),
};

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Customer-managed KMS keys rotate yearly.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    const usage = known(() => key.customerMasterKeySpec);
    // Only symmetric keys can rotate automatically.
    if (usage !== undefined && usage !== UNKNOWN && usage !== "SYMMETRIC_DEFAULT") return;
    new Subject(args, report).expect({
      property: "enableKeyRotation",
      read: () => key.enableKeyRotation,
      ok: (v) => v === true,
      must: "must rotate its key material",
      fix: "Set enableKeyRotation: true.",
    });
  }),
};

export const encryptionPolicies = [
  rdsStorageEncrypted,
  elasticacheEncryption,
  dynamodbTableEncryption,
  efsEncrypted,
  opensearchEncryption,
  launchTemplateEbsEncrypted,
  snsTopicEncrypted,
  kmsKeyRotation,
];
