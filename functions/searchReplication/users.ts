// The domain's own internal users, so that only this function (the master user) can manage users
// and replication: Magento gets its indices, the search health checker gets cluster health.
//
// Amazon OpenSearch Service Developer Guide, "Fine-grained access control in Amazon OpenSearch
// Service": with the internal user database, "you can create users using ... the REST API", and
// "The internal user database is stored in an ... index, so you can't share it with other
// clusters": each region's domain needs its own users (cross-cluster replication does not carry
// them either: auto-follow copies the indices of its pattern, `<prefix>_*`, "with the exception of
// system-created indexes", "Cross-cluster replication for Amazon OpenSearch Service", Auto-follow).
// The calls are the security plugin's REST API (OpenSearch documentation, "Security plugin REST
// API": PUT `_plugins/_security/api/internalusers/<name>`, `roles/<name>`, `rolesmapping/<name>`,
// each replacing the whole resource; GET never returns a password). Each run observes first and
// writes only what differs, so running every minute writes nothing once the users are in place.
import { OpenSearchClient } from "./client";

export interface SearchRolePermissions {
  cluster_permissions: string[];
  index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
}

export interface SearchUserSpec {
  username: string;
  /** The role created for this user alone, mapped to it and nothing else. */
  role: string;
  permissions: SearchRolePermissions;
}

/** The internal user names (the secrets hold the same names, components/searchUsers.ts). */
export const SEARCH_USERNAMES = { magento: "magento-app", checker: "magento-dr-checker" } as const;

/**
 * What each user may do, in the security plugin's action groups ("Default action groups",
 * OpenSearch documentation).
 *  - Magento: everything on its own indices and aliases (`<prefix>_*`: it creates
 *    `<prefix>_<entity>_<store>_v<N>`, writes and searches them, moves the alias and deletes the
 *    old version), the bulk and multi-search calls its client makes, and reading the cluster's
 *    version and health (its connection test); nothing on any other index, no cluster settings,
 *    no security API, no replication.
 *  - The checker: `cluster:monitor/health`, the one call it makes (functions/searchProbe.ts).
 */
export function searchUserSpecs(indexPrefix: string): {
  magento: SearchUserSpec;
  checker: SearchUserSpec;
} {
  if (!/^[a-z0-9][a-z0-9_]*$/.test(indexPrefix)) {
    throw new Error(`index prefix "${indexPrefix}" must be lower-case letters, digits or _`);
  }
  return {
    magento: {
      username: SEARCH_USERNAMES.magento,
      role: "magento_dr_app",
      permissions: {
        cluster_permissions: [
          "cluster_composite_ops",
          "cluster:monitor/main",
          "cluster:monitor/health",
        ],
        index_permissions: [
          {
            index_patterns: [`${indexPrefix}_*`],
            allowed_actions: ["crud", "create_index", "manage"],
          },
        ],
      },
    },
    checker: {
      username: SEARCH_USERNAMES.checker,
      role: "magento_dr_checker",
      permissions: { cluster_permissions: ["cluster:monitor/health"], index_permissions: [] },
    },
  };
}

export interface ManagedUser {
  spec: SearchUserSpec;
  /** From the user's own secret; never logged or reported. */
  password: string;
}

export interface UserReport {
  username: string;
  role: string;
  /** What this run wrote: "role", "user" (created or password set), "mapping". */
  changed: string[];
}

export interface UsersReport {
  users: UserReport[];
  /** What is wrong after the run, one line each (no secret in any of them). */
  problems: string[];
}

const API = "/_plugins/_security/api";
const enc = encodeURIComponent;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String).sort() : [];
}

/** A role's permissions in a comparable form (order-free). */
function permissionsKey(value: unknown): string {
  const r = record(value);
  const index = (Array.isArray(r.index_permissions) ? r.index_permissions : [])
    .map(record)
    .map((p) => ({
      patterns: strings(p.index_patterns),
      actions: strings(p.allowed_actions),
      // Document- or field-level rules narrow a role, but an edited role is not ours any more.
      dls: typeof p.dls === "string" ? p.dls : "",
      fls: strings(p.fls),
      masked: strings(p.masked_fields),
    }))
    .map((p) => JSON.stringify(p))
    .sort();
  return JSON.stringify({
    cluster: strings(r.cluster_permissions),
    index,
    tenants: Array.isArray(r.tenant_permissions) ? r.tenant_permissions.length : 0,
  });
}

async function read(
  client: OpenSearchClient,
  path: string,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const { status, body } = await client.request("GET", path, undefined, [404]);
  return status === 404 ? undefined : record(record(body)[name]);
}

async function ensureRole(client: OpenSearchClient, spec: SearchUserSpec): Promise<boolean> {
  const path = `${API}/roles/${enc(spec.role)}`;
  const current = await read(client, path, spec.role);
  if (current?.reserved === true) {
    throw new Error(`role ${spec.role} is reserved on this domain; it cannot be this user's role`);
  }
  const wanted = { ...spec.permissions, tenant_permissions: [] };
  if (current && permissionsKey(current) === permissionsKey(wanted)) return false;
  await client.request("PUT", path, wanted);
  return true;
}

async function ensureUser(
  client: OpenSearchClient,
  user: ManagedUser,
  signsIn: () => Promise<boolean>,
): Promise<boolean> {
  const { username } = user.spec;
  const path = `${API}/internalusers/${enc(username)}`;
  const current = await read(client, path, username);
  // Roles reach a user through the mapping only: backend roles or roles named on the user would
  // widen it past its own role.
  const plain =
    current !== undefined &&
    strings(current.backend_roles).length === 0 &&
    strings(current.opendistro_security_roles).length === 0;
  // The API never returns the password: signing in is how a run learns it is current (a new
  // secret version is picked up the first run after it).
  if (plain && (await signsIn())) return false;
  await client.request("PUT", path, {
    password: user.password,
    backend_roles: [],
    opendistro_security_roles: [],
    attributes: {},
  });
  return true;
}

async function ensureMapping(client: OpenSearchClient, spec: SearchUserSpec): Promise<boolean> {
  const path = `${API}/rolesmapping/${enc(spec.role)}`;
  const current = await read(client, path, spec.role);
  const same = (key: string, wanted: string[]) =>
    JSON.stringify(strings(current?.[key])) === JSON.stringify(wanted);
  if (
    current &&
    same("users", [spec.username]) &&
    same("backend_roles", []) &&
    same("hosts", []) &&
    same("and_backend_roles", [])
  ) {
    return false;
  }
  await client.request("PUT", path, { users: [spec.username], backend_roles: [], hosts: [] });
  return true;
}

/**
 * Puts each user, its role and its mapping in place as `admin` (the master user), then signs in as
 * the user to check it has exactly its own role. `asUser` makes a client that authenticates with a
 * user's own credentials.
 */
export async function ensureUsers(
  admin: OpenSearchClient,
  users: readonly ManagedUser[],
  asUser: (username: string, password: string) => OpenSearchClient,
): Promise<UsersReport> {
  const report: UsersReport = { users: [], problems: [] };
  for (const user of users) {
    const { username, role } = user.spec;
    const client = asUser(username, user.password);
    const authinfo = async () =>
      client.request("GET", "/_plugins/_security/authinfo", undefined, [401, 403]);
    const changed: string[] = [];
    try {
      if (await ensureRole(admin, user.spec)) changed.push("role");
      if (await ensureUser(admin, user, async () => (await authinfo()).status === 200)) {
        changed.push("user");
      }
      if (await ensureMapping(admin, user.spec)) changed.push("mapping");
      const { status, body } = await authinfo();
      const roles = strings(record(body).roles);
      if (status !== 200) report.problems.push(`${username} cannot sign in (HTTP ${status})`);
      else if (JSON.stringify(roles) !== JSON.stringify([role])) {
        report.problems.push(
          `${username} has roles ${roles.join(", ") || "(none)"}; expected only ${role}`,
        );
      }
    } catch (error) {
      report.problems.push(`${username}: ${(error as Error).message}`);
    }
    report.users.push({ username, role, changed });
  }
  return report;
}
