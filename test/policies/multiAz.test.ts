import * as aws from "@pulumi/aws";
import {
  autoscalingGroupElbHealthCheck,
  autoscalingGroupMultiAz,
  efsFileSystemRegional,
  elasticacheReplicationGroupMultiAz,
  loadBalancerMultiAz,
  opensearchDedicatedMasters,
  opensearchDomainZoneAwareness,
  rdsInstanceMultiAz,
} from "../../policies/rules/multiAz";
import {
  autoScalingGroup,
  cacheGroup,
  database,
  fileSystem,
  loadBalancer,
  memberCacheGroup,
  replicaDatabase,
  searchDomain,
} from "./fixtures";
import { assertNoViolations, assertUnverifiable, assertViolation, check, preview, U } from "./util";

describe("policies: Multi-AZ", () => {
  describe("rds-instance-multi-az", () => {
    it("passes a Multi-AZ primary and a Multi-AZ replica", () => {
      assertNoViolations(check(rdsInstanceMultiAz, aws.rds.Instance, database));
      assertNoViolations(check(rdsInstanceMultiAz, aws.rds.Instance, replicaDatabase));
    });

    it("flags an instance that leaves multiAz unset", () => {
      assertViolation(
        check(rdsInstanceMultiAz, aws.rds.Instance, { ...database, multiAz: undefined }),
        ['rds.Instance "test" must run Multi-AZ', "multiAz is not set", "Set multiAz: true"],
      );
    });

    it("reports multiAz unknown during preview instead of passing", () => {
      assertUnverifiable(
        check(rdsInstanceMultiAz, aws.rds.Instance, preview({ ...database, multiAz: U })),
        "multiAz",
      );
    });
  });

  describe("elasticache-replication-group-multi-az", () => {
    it("passes a primary with failover, Multi-AZ and a replica", () => {
      assertNoViolations(
        check(elasticacheReplicationGroupMultiAz, aws.elasticache.ReplicationGroup, cacheGroup),
      );
    });

    it("does not flag a Global Datastore member that inherits its settings", () => {
      assertNoViolations(
        check(
          elasticacheReplicationGroupMultiAz,
          aws.elasticache.ReplicationGroup,
          memberCacheGroup,
        ),
      );
    });

    it("treats a member whose global id is unknown during preview as a member", () => {
      assertNoViolations(
        check(
          elasticacheReplicationGroupMultiAz,
          aws.elasticache.ReplicationGroup,
          preview({ ...memberCacheGroup, globalReplicationGroupId: U }),
        ),
      );
    });

    it("flags a member that explicitly turns automatic failover off", () => {
      assertViolation(
        check(elasticacheReplicationGroupMultiAz, aws.elasticache.ReplicationGroup, {
          ...memberCacheGroup,
          automaticFailoverEnabled: false,
        }),
        ["must fail over automatically", "automaticFailoverEnabled is false"],
      );
    });

    it("flags a primary without Multi-AZ", () => {
      assertViolation(
        check(elasticacheReplicationGroupMultiAz, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          multiAzEnabled: undefined,
        }),
        ["must place its nodes in several AZs", "multiAzEnabled is not set"],
      );
    });

    it("flags a primary without a replica", () => {
      assertViolation(
        check(elasticacheReplicationGroupMultiAz, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          numCacheClusters: 1,
        }),
        ["must have at least one replica", "numCacheClusters is 1"],
      );
    });

    it("accepts replicas per node group in cluster mode", () => {
      assertNoViolations(
        check(elasticacheReplicationGroupMultiAz, aws.elasticache.ReplicationGroup, {
          ...cacheGroup,
          numCacheClusters: undefined,
          replicasPerNodeGroup: 1,
        }),
      );
    });

    it("reports an unknown replica count", () => {
      assertUnverifiable(
        check(
          elasticacheReplicationGroupMultiAz,
          aws.elasticache.ReplicationGroup,
          preview({ ...cacheGroup, numCacheClusters: U }),
        ),
        "numCacheClusters/replicasPerNodeGroup",
      );
    });
  });

  describe("opensearch-domain-zone-awareness", () => {
    it("passes three data nodes across three AZs", () => {
      assertNoViolations(check(opensearchDomainZoneAwareness, aws.opensearch.Domain, searchDomain));
    });

    it("flags a domain without zone awareness", () => {
      assertViolation(
        check(opensearchDomainZoneAwareness, aws.opensearch.Domain, {
          ...searchDomain,
          clusterConfig: { ...searchDomain.clusterConfig, zoneAwarenessEnabled: false },
        }),
        ["must enable zone awareness", "clusterConfig.zoneAwarenessEnabled is false"],
      );
    });

    it("counts the AWS default of two AZs against a production minimum of three", () => {
      const domain = {
        ...searchDomain,
        clusterConfig: { ...searchDomain.clusterConfig, zoneAwarenessConfig: undefined },
      };
      assertNoViolations(check(opensearchDomainZoneAwareness, aws.opensearch.Domain, domain));
      assertViolation(
        check(opensearchDomainZoneAwareness, aws.opensearch.Domain, domain, {
          minAvailabilityZones: 3,
        }),
        ["must span at least 3 AZs", "availabilityZoneCount is 2"],
      );
    });

    it("flags fewer than three data nodes", () => {
      assertViolation(
        check(opensearchDomainZoneAwareness, aws.opensearch.Domain, {
          ...searchDomain,
          clusterConfig: { ...searchDomain.clusterConfig, instanceCount: 2 },
        }),
        ["must run at least 3 data nodes", "clusterConfig.instanceCount is 2"],
      );
    });
  });

  describe("opensearch-dedicated-masters", () => {
    it("passes three dedicated masters", () => {
      assertNoViolations(check(opensearchDedicatedMasters, aws.opensearch.Domain, searchDomain));
    });

    it("flags two dedicated masters", () => {
      assertViolation(
        check(opensearchDedicatedMasters, aws.opensearch.Domain, {
          ...searchDomain,
          clusterConfig: { ...searchDomain.clusterConfig, dedicatedMasterCount: 2 },
        }),
        ["must run exactly 3 dedicated masters", "dedicatedMasterCount is 2"],
      );
    });
  });

  describe("efs-file-system-regional", () => {
    it("passes Regional storage", () => {
      assertNoViolations(check(efsFileSystemRegional, aws.efs.FileSystem, fileSystem));
    });

    it("flags One Zone storage", () => {
      assertViolation(
        check(efsFileSystemRegional, aws.efs.FileSystem, {
          ...fileSystem,
          availabilityZoneName: "us-east-1a",
        }),
        [
          "must use Regional (multi-AZ) storage",
          'availabilityZoneName is "us-east-1a"',
          "Remove availabilityZoneName",
        ],
      );
    });
  });

  describe("lb-multi-az", () => {
    it("passes three subnets", () => {
      assertNoViolations(check(loadBalancerMultiAz, aws.lb.LoadBalancer, loadBalancer));
    });

    it("flags a single subnet", () => {
      assertViolation(
        check(loadBalancerMultiAz, aws.lb.LoadBalancer, { ...loadBalancer, subnets: ["subnet-a"] }),
        ["must span at least 2 subnets", 'subnets is ["subnet-a"]'],
      );
    });

    it("counts subnets whose ids are unknown during preview", () => {
      assertNoViolations(
        check(
          loadBalancerMultiAz,
          aws.lb.LoadBalancer,
          preview({ ...loadBalancer, subnets: [U, U] }),
        ),
      );
    });

    it("reports a subnet list unknown during preview", () => {
      assertUnverifiable(
        check(loadBalancerMultiAz, aws.lb.LoadBalancer, preview({ ...loadBalancer, subnets: U })),
        "subnets",
      );
    });
  });

  describe("autoscaling-group-multi-az", () => {
    it("passes three subnets", () => {
      assertNoViolations(check(autoscalingGroupMultiAz, aws.autoscaling.Group, autoScalingGroup));
    });

    it("flags a group in one subnet", () => {
      assertViolation(
        check(autoscalingGroupMultiAz, aws.autoscaling.Group, {
          ...autoScalingGroup,
          vpcZoneIdentifiers: ["subnet-a"],
        }),
        ["must launch into at least 2 AZs"],
      );
    });
  });

  describe("autoscaling-group-elb-health-check", () => {
    it("passes ELB health checks with a grace period", () => {
      assertNoViolations(
        check(autoscalingGroupElbHealthCheck, aws.autoscaling.Group, autoScalingGroup),
      );
    });

    it("flags EC2 health checks", () => {
      assertViolation(
        check(autoscalingGroupElbHealthCheck, aws.autoscaling.Group, {
          ...autoScalingGroup,
          healthCheckType: "EC2",
        }),
        ["must use the load balancer's health checks", 'healthCheckType is "EC2"'],
      );
    });

    it("flags a missing grace period", () => {
      assertViolation(
        check(autoscalingGroupElbHealthCheck, aws.autoscaling.Group, {
          ...autoScalingGroup,
          healthCheckGracePeriod: undefined,
        }),
        ["must give new instances a health-check grace period"],
      );
    });
  });

  it("ignores resources of other types", () => {
    assertNoViolations(
      check(rdsInstanceMultiAz, aws.efs.FileSystem, { availabilityZoneName: "x" }),
    );
  });
});
