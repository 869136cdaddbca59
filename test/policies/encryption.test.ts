import * as aws from "@pulumi/aws";
import {
  dynamodbTableEncryption,
  efsEncrypted,
  elasticacheEncryption,
  kmsKeyRotation,
  launchTemplateEbsEncrypted,
  opensearchEncryption,
  rdsStorageEncrypted,
  snsTopicEncrypted,
} from "../../policies/rules/encryption";
import {
  cacheGroup,
  database,
  fileSystem,
  launchTemplate,
  memberCacheGroup,
  replicaDatabase,
  searchDomain,
  sessionsTable,
} from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

describe("policies: encryption", () => {
  describe("rds-storage-encrypted", () => {
    it("passes an encrypted primary and a replica with a regional key", () => {
      assertNoViolations(check(rdsStorageEncrypted, aws.rds.Instance, database));
      assertNoViolations(check(rdsStorageEncrypted, aws.rds.Instance, replicaDatabase));
    });

    it("flags an unencrypted primary", () => {
      assertViolation(
        check(rdsStorageEncrypted, aws.rds.Instance, { ...database, storageEncrypted: false }),
        ['rds.Instance "test" must encrypt its storage', "storageEncrypted is false"],
      );
    });

    it("flags a replica without a key of its region", () => {
      assertViolation(
        check(rdsStorageEncrypted, aws.rds.Instance, { ...replicaDatabase, kmsKeyId: undefined }),
        ["must be encrypted with a KMS key of its region", "kmsKeyId is not set"],
      );
    });

    it("reports storageEncrypted unknown during preview", () => {
      assertUnverifiable(
        check(rdsStorageEncrypted, aws.rds.Instance, preview({ ...database, storageEncrypted: U })),
        "storageEncrypted",
      );
    });
  });

  describe("elasticache-encryption", () => {
    it("passes a primary encrypted at rest and in transit, and a member that inherits both", () => {
      assertNoViolations(
        check(elasticacheEncryption, aws.elasticache.ReplicationGroup, cacheGroup),
      );
      assertNoViolations(
        check(elasticacheEncryption, aws.elasticache.ReplicationGroup, memberCacheGroup),
      );
    });

    it("flags a primary without transit encryption", () => {
      assertViolation(
        check(elasticacheEncryption, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          transitEncryptionEnabled: false,
        }),
        ["must encrypt data in transit", "transitEncryptionEnabled is false"],
      );
    });

    it("flags a primary without encryption at rest", () => {
      assertViolation(
        check(elasticacheEncryption, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          atRestEncryptionEnabled: undefined,
        }),
        ["must encrypt data at rest"],
      );
    });
  });

  describe("dynamodb-table-encryption", () => {
    it("passes KMS encryption", () => {
      assertNoViolations(check(dynamodbTableEncryption, aws.dynamodb.Table, sessionsTable));
    });

    it("flags the AWS-owned key only", () => {
      assertViolation(
        check(dynamodbTableEncryption, aws.dynamodb.Table, {
          ...sessionsTable,
          serverSideEncryption: undefined,
        }),
        ["must encrypt with a KMS key", "serverSideEncryption.enabled is not set"],
      );
    });
  });

  describe("efs-encrypted", () => {
    it("passes an encrypted file system", () => {
      assertNoViolations(check(efsEncrypted, aws.efs.FileSystem, fileSystem));
    });

    it("flags an unencrypted one", () => {
      assertViolation(
        check(efsEncrypted, aws.efs.FileSystem, { ...fileSystem, encrypted: false }),
        ["must be encrypted at rest"],
      );
    });
  });

  describe("opensearch-encryption", () => {
    it("passes encryption at rest, node to node, HTTPS and TLS 1.2", () => {
      assertNoViolations(check(opensearchEncryption, aws.opensearch.Domain, searchDomain));
    });

    it("flags node-to-node encryption off", () => {
      assertViolation(
        check(opensearchEncryption, aws.opensearch.Domain, {
          ...searchDomain,
          nodeToNodeEncryption: { enabled: false },
        }),
        ["must encrypt traffic between nodes"],
      );
    });

    it("flags plain HTTP", () => {
      assertViolation(
        check(opensearchEncryption, aws.opensearch.Domain, {
          ...searchDomain,
          domainEndpointOptions: { ...searchDomain.domainEndpointOptions, enforceHttps: false },
        }),
        ["must accept only HTTPS"],
      );
    });

    it("flags an old TLS policy", () => {
      assertViolation(
        check(opensearchEncryption, aws.opensearch.Domain, {
          ...searchDomain,
          domainEndpointOptions: {
            enforceHttps: true,
            tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07",
          },
        }),
        ["must require TLS 1.2 or later", '"Policy-Min-TLS-1-0-2019-07"'],
      );
    });

    it("flags encryption at rest off", () => {
      assertViolation(
        check(opensearchEncryption, aws.opensearch.Domain, {
          ...searchDomain,
          encryptAtRest: { enabled: false },
        }),
        ["must encrypt data at rest"],
      );
    });
  });

  describe("launch-template-ebs-encrypted", () => {
    it("passes an encrypted root volume", () => {
      assertNoViolations(check(launchTemplateEbsEncrypted, aws.ec2.LaunchTemplate, launchTemplate));
    });

    it("flags an unencrypted volume", () => {
      assertViolation(
        check(launchTemplateEbsEncrypted, aws.ec2.LaunchTemplate, {
          ...launchTemplate,
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
        }),
        ["must encrypt every EBS volume", 'blockDeviceMappings[0].ebs.encrypted is "false"'],
      );
    });

    it("flags a template that leaves the volumes to the AMI", () => {
      assertViolation(
        check(launchTemplateEbsEncrypted, aws.ec2.LaunchTemplate, {
          ...launchTemplate,
          blockDeviceMappings: undefined,
        }),
        ["blockDeviceMappings declares no EBS volume"],
      );
    });
  });

  describe("sns-topic-encrypted", () => {
    it("passes a KMS key, known or not yet known", () => {
      assertNoViolations(
        check(snsTopicEncrypted, aws.sns.Topic, { kmsMasterKeyId: "alias/aws/sns" }),
      );
      assertNoViolations(check(snsTopicEncrypted, aws.sns.Topic, preview({ kmsMasterKeyId: U })));
    });

    it("flags an unencrypted topic", () => {
      assertViolation(check(snsTopicEncrypted, aws.sns.Topic, {}), [
        "must encrypt messages at rest",
      ]);
    });
  });

  describe("kms-key-rotation", () => {
    it("passes rotation, and skips asymmetric keys", () => {
      assertNoViolations(check(kmsKeyRotation, aws.kms.Key, { enableKeyRotation: true }));
      assertNoViolations(check(kmsKeyRotation, aws.kms.Key, { customerMasterKeySpec: "RSA_2048" }));
    });

    it("flags a symmetric key without rotation", () => {
      assertViolation(check(kmsKeyRotation, aws.kms.Key, {}), ["must rotate its key material"]);
    });
  });
});
