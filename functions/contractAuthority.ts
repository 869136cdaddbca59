// The failover authority table's items: the failover functions and the operator CLI read and write
// them (functions/region/authority.ts, hold.ts, audit.ts, detection.ts), the components grant each
// writer only its own through IAM's dynamodb:LeadingKeys (components/authorityAccess.ts), the
// instances read the authority item (magento-dr.sh). A key spelled differently on the two sides
// is an AccessDenied during a promotion, so each is defined once here, in plain TypeScript (no
// Pulumi import); test/contractAuthority.test.ts pins them and checks the plan's grants.

/** The table's partition key attribute. */
export const AUTHORITY_PARTITION_KEY = "pk";

/** Items with a fixed key. */
export const AUTHORITY_ITEMS = {
  /** The epoch, the active region, the promotion lease and the serving lease. */
  authority: "authority",
  /** An operator's hold of the automatic path. */
  hold: "hold",
} as const;

/** Items keyed `<prefix><id>`: one per incident, per detecting region, per witness region. */
export const AUTHORITY_ITEM_PREFIXES = {
  /** The audit of one promotion. */
  incident: "incident#",
  /** A detector's counts and decision. */
  signals: "signals#",
  /** A witness canary's verdicts. */
  witness: "witness#",
} as const;

export const incidentKey = (incidentId: string) =>
  `${AUTHORITY_ITEM_PREFIXES.incident}${incidentId}`;
export const signalsKey = (region: string) => `${AUTHORITY_ITEM_PREFIXES.signals}${region}`;
export const witnessKey = (region: string) => `${AUTHORITY_ITEM_PREFIXES.witness}${region}`;
