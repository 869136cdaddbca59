// What OpenSearch Service's cross-cluster replication asks of a domain, as pure checks shared by
// the program's config validation (config.ts) and the policy pack (rules/searchReplication.ts).
//
// Source: Amazon OpenSearch Service Developer Guide, "Cross-cluster replication for Amazon
// OpenSearch Service" (docs.aws.amazon.com/opensearch-service/latest/developerguide/replication.html):
//  - "available on domains running Elasticsearch 7.10 or OpenSearch 1.1 or later";
//  - prerequisites: fine-grained access control enabled, node-to-node encryption enabled;
//  - "Domains must either share the same major version, or be on the final minor version and the
//    next major version" (this project demands the same major version: it cannot know which minor
//    is a major's final one);
//  - "You can't use cross-cluster replication on M3 or burstable (T2 and T3) instances". T4g is
//    burstable too and the guide predates it: the check refuses every T family (pessimistic side).

/** The oldest OpenSearch engine with cross-cluster replication. */
export const MIN_REPLICATION_VERSION = { major: 1, minor: 1 } as const;

export interface EngineVersion {
  engine: "OpenSearch" | "Elasticsearch";
  major: number;
  minor: number;
}

/** `OpenSearch_2.13` → { engine, major, minor }; undefined when it is not an engine version. */
export function parseEngineVersion(value: string): EngineVersion | undefined {
  const match = /^(OpenSearch|Elasticsearch)_(\d+)\.(\d+)$/.exec(value);
  if (!match) return undefined;
  return {
    engine: match[1] as EngineVersion["engine"],
    major: Number(match[2]),
    minor: Number(match[3]),
  };
}

/** Why `value` cannot replicate, or undefined when it can. */
export function replicationVersionProblem(value: string): string | undefined {
  const v = parseEngineVersion(value);
  if (!v) return `"${value}" is not an engine version such as OpenSearch_2.13`;
  const ok =
    v.engine === "OpenSearch"
      ? v.major > MIN_REPLICATION_VERSION.major ||
        (v.major === MIN_REPLICATION_VERSION.major && v.minor >= MIN_REPLICATION_VERSION.minor)
      : v.major === 7 && v.minor >= 10;
  return ok
    ? undefined
    : `${value} has no cross-cluster replication (OpenSearch 1.1 or later, or Elasticsearch 7.10)`;
}

/** Why two domains' versions cannot be leader and follower, or undefined when they can. */
export function replicationPairProblem(follower: string, leader: string): string | undefined {
  const f = parseEngineVersion(follower);
  const l = parseEngineVersion(leader);
  if (!f || !l) return `cannot compare "${follower}" with "${leader}"`;
  return f.engine === l.engine && f.major === l.major
    ? undefined
    : `follower ${follower} and leader ${leader} are not on the same major version`;
}

/** Why instances of `instanceType` cannot take part in replication, or undefined. */
export function replicationInstanceProblem(instanceType: string): string | undefined {
  const family = instanceType.split(".")[0] ?? "";
  if (/^t\d/.test(family)) {
    return `${instanceType} is a burstable (T) instance, which cross-cluster replication does not support`;
  }
  if (family === "m3") {
    return `${instanceType} is an M3 instance, which cross-cluster replication does not support`;
  }
  return undefined;
}
