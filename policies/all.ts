// The whole pack, grouped by concern (POLICY-RULES.md). Importing this file registers nothing:
// the policy server starts only in index.ts, so tests and the offline plan can use the rules.
import { Policies } from "@pulumi/policy";
import { backupPolicies } from "./rules/backups";
import { deletionProtectionPolicies } from "./rules/deletionProtection";
import { dnsFailoverPolicies } from "./rules/dnsFailover";
import { encryptionPolicies } from "./rules/encryption";
import { failoverSafetyPolicies } from "./rules/failoverSafety";
import { globalDatastorePolicies } from "./rules/globalDatastore";
import { internetIngressPolicies } from "./rules/internetIngress";
import { leastPrivilegePolicies } from "./rules/leastPrivilege";
import { loggingPolicies } from "./rules/logging";
import { multiAzPolicies } from "./rules/multiAz";
import { networkPolicies } from "./rules/network";
import { orchestratorPolicies } from "./rules/orchestrator";
import { replicationRegionPolicies } from "./rules/replicationRegion";
import { s3PublicAccessPolicies } from "./rules/s3PublicAccess";
import { searchReplicationPolicies } from "./rules/searchReplication";
import { sessionsPolicies } from "./rules/sessions";
import { standbyPolicies } from "./rules/standby";
import { authorityTablePolicies } from "./rules/authorityTable";
import { egressPolicies } from "./rules/egress";
import { promotionRolePolicies } from "./rules/promotionRoles";
import { triggerPolicies } from "./rules/triggers";

export const POLICY_PACK_NAME = "magento-dr";

export type Concern = "MAZ" | "BAK" | "LP" | "ENC" | "NET" | "DEL" | "LOG" | "DR";

export const CONCERN_TITLES: Record<Concern, string> = {
  MAZ: "Multi-AZ",
  BAK: "Backups",
  LP: "Least privilege",
  ENC: "Encryption",
  NET: "Network exposure",
  DEL: "Deletion protection",
  LOG: "Logging",
  DR: "Disaster recovery",
};

export const policiesByConcern: Record<Concern, Policies> = {
  MAZ: [...multiAzPolicies, ...globalDatastorePolicies],
  BAK: backupPolicies,
  LP: [...leastPrivilegePolicies, ...sessionsPolicies, ...authorityTablePolicies],
  ENC: encryptionPolicies,
  NET: [
    ...networkPolicies,
    ...internetIngressPolicies,
    ...s3PublicAccessPolicies,
    ...egressPolicies,
  ],
  DEL: deletionProtectionPolicies,
  LOG: loggingPolicies,
  DR: [
    ...dnsFailoverPolicies,
    ...standbyPolicies,
    ...replicationRegionPolicies,
    ...failoverSafetyPolicies,
    ...orchestratorPolicies,
    ...triggerPolicies,
    ...promotionRolePolicies,
    ...searchReplicationPolicies,
  ],
};

export const allPolicies: Policies = Object.values(policiesByConcern).flat();
