// A simulated OpenSearch Service domain on 127.0.0.1: the subset of the REST API and of the
// cross-cluster replication plugin's API the replication function uses, with the behaviour the
// documentation describes (OpenSearch "Cross-cluster replication API"; OpenSearch Service
// Developer Guide, "Cross-cluster replication"). Where the documentation is silent the simulator
// takes the pessimistic side, and says so beside the code. Every request is recorded.
//
// Fine-grained access control is simulated too: HTTP basic authentication against an internal user
// database, roles and role mappings managed through the security plugin's REST API
// (`_plugins/_security/api/internalusers|roles|rolesmapping`, OpenSearch documentation "Security
// plugin REST API"), and every route authorized as the OpenSearch action it is, against the
// permissions of the caller's roles with the default action groups expanded (OpenSearch
// documentation, "Default action groups"). Pessimistic: an action the caller's roles do not
// grant is refused with 403, and only users mapped to all_access or security_manager may use the
// security REST API (Amazon OpenSearch Service Developer Guide, "Fine-grained access control":
// the master user "manages roles and role mappings").
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface SimIndex {
  docs: number;
  aliases: string[];
  /** Replication status as _status reports it; "REPLICATION NOT IN PROGRESS" for a plain index. */
  status: string;
  leaderCheckpoint?: number;
  followerCheckpoint?: number;
}

export interface SimRequest {
  method: string;
  path: string;
  body: unknown;
}

export const NOT_IN_PROGRESS = "REPLICATION NOT IN PROGRESS";

export interface SimRole {
  cluster_permissions: string[];
  index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
  tenant_permissions?: unknown[];
  reserved?: boolean;
}

export interface SimUser {
  password: string;
  backend_roles: string[];
  opendistro_security_roles: string[];
}

export interface SimMapping {
  users: string[];
  backend_roles: string[];
  hosts: string[];
}

/** The default action groups the roles here use ("Default action groups", OpenSearch docs). */
const ACTION_GROUPS: Record<string, string[]> = {
  unlimited: ["*"],
  cluster_all: ["cluster:*"],
  cluster_monitor: ["cluster:monitor/*"],
  cluster_composite_ops_ro: [
    "indices:data/read/mget",
    "indices:data/read/msearch",
    "indices:data/read/mtv",
    "indices:admin/aliases/exists*",
    "indices:admin/aliases/get*",
    "indices:data/read/scroll",
    "indices:admin/resolve/index",
  ],
  cluster_composite_ops: [
    "indices:data/write/bulk",
    "indices:admin/aliases*",
    "indices:data/write/reindex",
    "indices:data/read/mget",
    "indices:data/read/msearch",
    "indices:data/read/mtv",
    "indices:data/read/scroll",
    "indices:admin/resolve/index",
  ],
  indices_all: ["indices:*"],
  read: ["indices:data/read*", "indices:admin/mappings/fields/get*", "indices:admin/resolve/index"],
  write: ["indices:data/write*", "indices:admin/mapping/put"],
  delete: ["indices:data/write/delete*"],
  crud: ["indices:data/read*", "indices:data/write*", "indices:admin/mappings/fields/get*"],
  search: ["indices:data/read/search*", "indices:data/read/msearch*", "indices:data/read/suggest*"],
  create_index: ["indices:admin/create", "indices:admin/mapping/put", "indices:admin/auto_create"],
  manage: ["indices:monitor/*", "indices:admin/*"],
  manage_aliases: ["indices:admin/aliases*"],
  indices_monitor: ["indices:monitor/*"],
};

/** What a route is, as the security plugin authorizes it: an action and the indices it names. */
interface Authorization {
  action: string;
  /** Index-level when set (names or patterns as the request wrote them); cluster-level when not. */
  indices?: string[];
  /** The security REST API: only admins (see the header). */
  securityApi?: boolean;
  anyUser?: boolean;
}

const ADMIN_ROLES = ["all_access", "security_manager"];
const PASSWORD_RULE = /^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*[^a-zA-Z0-9]).{8,}$/;

export class SimSearchDomain {
  readonly indices = new Map<string, SimIndex>();
  readonly rules = new Map<string, { pattern: string; leaderAlias: string }>();
  readonly requests: SimRequest[] = [];
  /** Leader indices reachable per connection alias (what auto-follow would copy). */
  readonly leaders = new Map<string, Map<string, { docs: number; aliases: string[] }>>();
  /** Indices auto-follow fails to start (they show in failed_indices). */
  readonly failing = new Set<string>();
  private server?: http.Server;
  url = "";

  /** The internal user database, roles and mappings (the security index of this domain). */
  readonly users = new Map<string, SimUser>();
  readonly roles = new Map<string, SimRole>();
  readonly mappings = new Map<string, SimMapping>();

  /** `credentials` is the master user, mapped to all_access and security_manager as on AWS. */
  constructor(readonly credentials = { username: "magento", password: "s3cret" }) {
    this.users.set(credentials.username, {
      password: credentials.password,
      backend_roles: [],
      opendistro_security_roles: [],
    });
    this.roles.set("all_access", {
      cluster_permissions: ["unlimited"],
      index_permissions: [{ index_patterns: ["*"], allowed_actions: ["unlimited"] }],
      reserved: true,
    });
    this.roles.set("security_manager", {
      cluster_permissions: ["cluster_monitor", "restapi:admin/*"],
      index_permissions: [],
      reserved: true,
    });
    for (const role of ADMIN_ROLES) {
      this.mappings.set(role, { users: [credentials.username], backend_roles: [], hosts: [] });
    }
  }

  /** The roles a user has: mapped by name or backend role, or named on the user. */
  rolesOf(username: string): string[] {
    const user = this.users.get(username);
    if (!user) return [];
    const mapped = [...this.mappings]
      .filter(
        ([, m]) =>
          m.users.includes(username) || m.backend_roles.some((b) => user.backend_roles.includes(b)),
      )
      .map(([role]) => role);
    return [...new Set([...mapped, ...user.opendistro_security_roles])]
      .filter((r) => this.roles.has(r))
      .sort();
  }

  private authenticate(header: string | undefined): string | undefined {
    const m = /^Basic (.+)$/.exec(header ?? "");
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], "base64").toString();
    const colon = decoded.indexOf(":");
    const [name, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return colon > 0 && this.users.get(name)?.password === password ? name : undefined;
  }

  private grants(patterns: string[], action: string): boolean {
    return patterns.flatMap((p) => ACTION_GROUPS[p] ?? [p]).some((p) => wildcard(p).test(action));
  }

  /** Whether `username` may do `what`; every named index must be covered by one of its roles. */
  private permits(username: string, what: Authorization): boolean {
    const roles = this.rolesOf(username);
    if (what.anyUser) return true;
    if (what.securityApi) return roles.some((r) => ADMIN_ROLES.includes(r));
    const docs = roles.map((r) => this.roles.get(r)!);
    if (what.indices === undefined) {
      return docs.some((d) => this.grants(d.cluster_permissions, what.action));
    }
    return what.indices.every((index) =>
      docs.some((d) =>
        d.index_permissions.some(
          (p) =>
            p.index_patterns.some((pattern) => wildcard(pattern).test(index)) &&
            this.grants(p.allowed_actions, what.action),
        ),
      ),
    );
  }

  /** The action a request is (the routes this simulator serves). */
  private authorization(method: string, path: string, body: unknown): Authorization {
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if (path.startsWith("/_plugins/_security/api/")) {
      return { action: "restapi:admin/security", securityApi: true };
    }
    // Who am I: answered for every authenticated user (the security plugin serves it before any
    // role check; OpenSearch documentation, "Security plugin REST API", authinfo).
    if (path === "/_plugins/_security/authinfo") return { action: "authinfo", anyUser: true };
    if (path === "/") return { action: "cluster:monitor/main" };
    if (path === "/_cluster/health") return { action: "cluster:monitor/health" };
    if (path === "/_cluster/settings") return { action: "cluster:admin/settings/update" };
    if ((m = /^\/_cat\/indices\/([^/]+)$/.exec(path))) {
      return { action: "indices:monitor/stats", indices: [m[1]] };
    }
    if (path === "/_plugins/_replication/autofollow_stats") {
      return { action: "cluster:admin/plugins/replication/autofollow/stats" };
    }
    if (path === "/_plugins/_replication/_autofollow") {
      return { action: "cluster:admin/plugins/replication/autofollow/update" };
    }
    if ((m = /^\/_plugins\/_replication\/([^/]+)\/(_status|_stop)$/.exec(path))) {
      const verb = m[2] === "_status" ? "status_check" : "stop";
      return { action: `indices:admin/plugins/replication/index/${verb}`, indices: [m[1]] };
    }
    if (path === "/_aliases") {
      const actions = (Array.isArray(b.actions) ? b.actions : []) as Record<
        string,
        { index: string; alias: string }
      >[];
      const named = actions.flatMap((a) => Object.values(a).flatMap((s) => [s.index, s.alias]));
      return { action: "indices:admin/aliases", indices: named };
    }
    if ((m = /^\/([^/]+)\/_alias$/.exec(path))) {
      return { action: "indices:admin/aliases/get", indices: [m[1]] };
    }
    if ((m = /^\/([^/]+)\/(_count|_search)$/.exec(path))) {
      return { action: "indices:data/read/search", indices: [m[1]] };
    }
    if ((m = /^\/([^/_][^/]*)\/_doc\/[^/]+$/.exec(path))) {
      return { action: "indices:data/write/index", indices: [m[1]] };
    }
    if ((m = /^\/([^/_][^/]*)$/.exec(path))) {
      const action = method === "DELETE" ? "indices:admin/delete" : "indices:admin/create";
      return { action, indices: [m[1]] };
    }
    // Pessimistic: a route the simulator cannot name is an action nobody but admins may do.
    return { action: `unknown:${method} ${path}`, securityApi: true };
  }

  addIndex(name: string, index: Partial<SimIndex> = {}): void {
    this.indices.set(name, { docs: 0, aliases: [], status: NOT_IN_PROGRESS, ...index });
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        let body: unknown;
        try {
          body = raw === "" ? undefined : JSON.parse(raw);
        } catch {
          body = raw;
        }
        const url = new URL(req.url ?? "/", "http://sim");
        const path = decodeURIComponent(url.pathname);
        this.requests.push({ method: req.method ?? "", path: `${path}${url.search}`, body });
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(payload));
        };
        // Fine-grained access control: no anonymous access, then the caller's roles decide.
        const username = this.authenticate(req.headers.authorization);
        if (username === undefined) return send(401, { error: "Unauthorized" });
        const method = req.method ?? "GET";
        const what = this.authorization(method, path, body);
        if (!this.permits(username, what)) {
          return send(403, {
            error: {
              type: "security_exception",
              reason: `no permissions for [${what.action}] and User [name=${username}, roles=[${this.rolesOf(username).join(", ")}]]`,
            },
            status: 403,
          });
        }
        try {
          const [status, payload] =
            path === "/_plugins/_security/authinfo"
              ? [200, { user_name: username, roles: this.rolesOf(username), backend_roles: [] }]
              : path.startsWith("/_plugins/_security/api/")
                ? this.security(method, path, body)
                : this.route(method, path, body);
          send(status, payload);
        } catch (error) {
          send(500, { error: String(error) });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests other than reads, as "METHOD path". */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
  }

  private matching(pattern: string): string[] {
    const re = new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`);
    return [...this.indices.keys()].filter((n) => re.test(n)).sort();
  }

  private following(index: SimIndex): boolean {
    return index.status === "SYNCING" || index.status === "BOOTSTRAPPING";
  }

  /** Auto-follow: "replicates any existing indexes that match the pattern, as well as new indexes
   * ... It does not replicate indexes that already exist on the follower domain." */
  runAutoFollow(): void {
    for (const rule of this.rules.values()) {
      const re = new RegExp(`^${rule.pattern.split("*").map(escape).join(".*")}$`);
      for (const [name, leader] of this.leaders.get(rule.leaderAlias) ?? []) {
        if (!re.test(name) || this.indices.has(name) || this.failing.has(name)) continue;
        this.addIndex(name, {
          docs: leader.docs,
          aliases: [...leader.aliases],
          status: "SYNCING",
          leaderCheckpoint: leader.docs - 1,
          followerCheckpoint: leader.docs - 1,
        });
      }
    }
  }

  /** The security plugin's REST API: internal users, roles, role mappings (GET and PUT). */
  private security(method: string, path: string, body: unknown): [number, unknown] {
    const m = /^\/_plugins\/_security\/api\/(internalusers|roles|rolesmapping)\/([^/]+)$/.exec(
      path,
    );
    if (!m) return [400, { status: "BAD_REQUEST", message: `no route ${method} ${path}` }];
    const [, kind, name] = m;
    const b = (body ?? {}) as Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const notFound: [number, unknown] = [
      404,
      { status: "NOT_FOUND", message: `Resource '${name}' not found.` },
    ];
    const saved = (existed: boolean): [number, unknown] =>
      existed
        ? [200, { status: "OK", message: `'${name}' updated.` }]
        : [201, { status: "CREATED", message: `'${name}' created.` }];
    if (kind === "internalusers") {
      const user = this.users.get(name);
      if (method === "GET") {
        if (!user) return notFound;
        // The API never returns a password; the hash is blanked as well.
        const { backend_roles, opendistro_security_roles } = user;
        return [
          200,
          {
            [name]: {
              hash: "",
              reserved: false,
              hidden: false,
              backend_roles,
              attributes: {},
              opendistro_security_roles,
              static: false,
            },
          },
        ];
      }
      if (method !== "PUT") return [405, { status: "METHOD_NOT_ALLOWED" }];
      if (typeof b.password !== "string") {
        return [
          400,
          {
            status: "BAD_REQUEST",
            message:
              "Please specify either 'hash' or 'password' when creating a new internal user.",
          },
        ];
      }
      // Pessimistic: AWS's master-password rule applies to every internal user.
      if (!PASSWORD_RULE.test(b.password)) {
        return [
          400,
          { status: "BAD_REQUEST", message: "Password does not match minimum criteria" },
        ];
      }
      this.users.set(name, {
        password: b.password,
        backend_roles: list(b.backend_roles),
        opendistro_security_roles: list(b.opendistro_security_roles),
      });
      return saved(user !== undefined);
    }
    if (kind === "roles") {
      const role = this.roles.get(name);
      if (method === "GET") {
        if (!role) return notFound;
        return [
          200,
          {
            [name]: {
              reserved: role.reserved ?? false,
              hidden: false,
              cluster_permissions: role.cluster_permissions,
              index_permissions: role.index_permissions.map((p) => ({
                ...p,
                fls: [],
                masked_fields: [],
              })),
              tenant_permissions: role.tenant_permissions ?? [],
              static: false,
            },
          },
        ];
      }
      if (method !== "PUT") return [405, { status: "METHOD_NOT_ALLOWED" }];
      if (role?.reserved) {
        return [403, { status: "FORBIDDEN", message: `Resource '${name}' is read-only.` }];
      }
      const indexPermissions = (Array.isArray(b.index_permissions) ? b.index_permissions : []) as {
        index_patterns?: unknown;
        allowed_actions?: unknown;
      }[];
      this.roles.set(name, {
        cluster_permissions: list(b.cluster_permissions),
        index_permissions: indexPermissions.map((p) => ({
          index_patterns: list(p.index_patterns),
          allowed_actions: list(p.allowed_actions),
        })),
        tenant_permissions: Array.isArray(b.tenant_permissions) ? b.tenant_permissions : [],
      });
      return saved(role !== undefined);
    }
    const mapping = this.mappings.get(name);
    if (method === "GET") {
      if (!mapping) return notFound;
      return [
        200,
        { [name]: { ...mapping, and_backend_roles: [], reserved: false, hidden: false } },
      ];
    }
    if (method !== "PUT") return [405, { status: "METHOD_NOT_ALLOWED" }];
    if (!this.roles.has(name)) {
      return [
        404,
        { status: "NOT_FOUND", message: `Role '${name}' is not available for role-mapping.` },
      ];
    }
    this.mappings.set(name, {
      users: list(b.users),
      backend_roles: list(b.backend_roles),
      hosts: list(b.hosts),
    });
    return saved(mapping !== undefined);
  }

  private route(method: string, path: string, body: unknown): [number, unknown] {
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/") {
      return [200, { version: { distribution: "opensearch", number: "2.13.0" } }];
    }
    if (method === "GET" && path === "/_cluster/health") {
      return [200, { cluster_name: "sim", status: "green" }];
    }
    if (method === "PUT" && path === "/_cluster/settings") {
      return [200, { acknowledged: true, persistent: b.persistent ?? {}, transient: {} }];
    }
    if (method === "GET" && (m = /^\/([^/]+)\/_search$/.exec(path))) {
      const target = [...this.indices].filter(([n, i]) => n === m![1] || i.aliases.includes(m![1]));
      if (target.length === 0) return [404, { error: `no such index [${m[1]}]` }];
      const total = target.reduce((sum, [, i]) => sum + i.docs, 0);
      return [200, { hits: { total: { value: total, relation: "eq" }, hits: [] } }];
    }
    if (
      (method === "PUT" || method === "POST") &&
      (m = /^\/([^/_][^/]*)\/_doc\/[^/]+$/.exec(path))
    ) {
      const index = this.indices.get(m[1]);
      if (!index) return [404, { error: `no such index [${m[1]}]` }];
      // The plugin blocks writes to a follower index.
      if (this.following(index)) return [403, { error: `${m[1]} is a follower index` }];
      index.docs += 1;
      return [201, { result: "created", _index: m[1] }];
    }
    if (method === "PUT" && (m = /^\/([^/_][^/]*)$/.exec(path))) {
      if (this.indices.has(m[1])) {
        return [400, { error: { type: "resource_already_exists_exception" } }];
      }
      this.addIndex(m[1]);
      return [200, { acknowledged: true, index: m[1] }];
    }
    if (method === "GET" && (m = /^\/_cat\/indices\/([^/]+)$/.exec(path))) {
      return [
        200,
        this.matching(m[1]).map((index) => ({
          index,
          // The _cat API answers numbers as strings.
          "docs.count": String(this.indices.get(index)!.docs),
        })),
      ];
    }
    if (method === "GET" && path === "/_plugins/_replication/autofollow_stats") {
      const stats = [...this.rules].map(([name, r]) => ({
        name,
        pattern: r.pattern,
        num_success_start_replication: 0,
        num_failed_start_replication: this.failing.size,
        num_failed_leader_calls: 0,
        failed_indices: [...this.failing],
      }));
      return [200, { autofollow_stats: stats, failed_indices: [...this.failing] }];
    }
    if (path === "/_plugins/_replication/_autofollow") {
      if (typeof b.name !== "string" || typeof b.leader_alias !== "string") {
        return [400, { error: "name and leader_alias are required" }];
      }
      if (method === "POST") {
        // With the security plugin on, use_roles is required (API page: "If Security plugin is
        // enabled").
        const roles = b.use_roles as Record<string, unknown> | undefined;
        if (!roles?.leader_cluster_role || !roles?.follower_cluster_role) {
          return [400, { error: "use_roles is required when security is enabled" }];
        }
        this.rules.set(b.name, { pattern: String(b.pattern), leaderAlias: b.leader_alias });
        this.runAutoFollow();
        return [200, { acknowledged: true }];
      }
      if (method === "DELETE") {
        const rule = this.rules.get(b.name);
        // Pessimistic: a rule is deleted only through the connection it was created on.
        if (!rule || rule.leaderAlias !== b.leader_alias) {
          return [404, { error: `no rule ${b.name} on ${b.leader_alias}` }];
        }
        this.rules.delete(b.name);
        return [200, { acknowledged: true }];
      }
    }
    if ((m = /^\/_plugins\/_replication\/([^/]+)\/(_status|_stop)$/.exec(path))) {
      const index = this.indices.get(m[1]);
      if (!index) return [404, { error: `no such index [${m[1]}]` }];
      if (m[2] === "_status" && method === "GET") {
        return [
          200,
          index.status === NOT_IN_PROGRESS
            ? { status: NOT_IN_PROGRESS }
            : {
                status: index.status,
                reason: "User initiated",
                follower_index: m[1],
                syncing_details: {
                  leader_checkpoint: index.leaderCheckpoint ?? -1,
                  follower_checkpoint: index.followerCheckpoint ?? -1,
                  seq_no: 0,
                },
              },
        ];
      }
      if (m[2] === "_stop" && method === "POST") {
        // The guide: "Make sure to include an empty request body". Pessimistic: stopping an index
        // that does not replicate is an error.
        if (body === undefined) return [400, { error: "request body is required" }];
        if (index.status === NOT_IN_PROGRESS) {
          return [400, { error: `No replication in progress for index:${m[1]}` }];
        }
        index.status = NOT_IN_PROGRESS;
        return [200, { acknowledged: true }];
      }
    }
    if (method === "POST" && path === "/_aliases") {
      const actions = (b.actions ?? []) as Record<string, { index: string; alias: string }>[];
      // Validate everything first: the call is atomic.
      for (const action of actions) {
        const [kind, spec] = Object.entries(action)[0];
        const index = this.indices.get(spec.index);
        if (!index) return [404, { error: `no such index [${spec.index}]` }];
        // The plugin enforces a metadata write block on follower indices (release notes 1.1).
        if (this.following(index) || index.status === "PAUSED") {
          return [403, { error: `cannot ${kind} alias on follower index ${spec.index}` }];
        }
      }
      for (const action of actions) {
        const [kind, spec] = Object.entries(action)[0];
        const index = this.indices.get(spec.index)!;
        index.aliases =
          kind === "add"
            ? [...new Set([...index.aliases, spec.alias])]
            : index.aliases.filter((a) => a !== spec.alias);
      }
      return [200, { acknowledged: true }];
    }
    if (method === "GET" && (m = /^\/([^/]+)\/_alias$/.exec(path))) {
      const out: Record<string, { aliases: Record<string, object> }> = {};
      for (const name of this.matching(m[1])) {
        out[name] = {
          aliases: Object.fromEntries(this.indices.get(name)!.aliases.map((a) => [a, {}])),
        };
      }
      return [200, out];
    }
    if (method === "GET" && (m = /^\/([^/]+)\/_count$/.exec(path))) {
      const target = [...this.indices].filter(([n, i]) => n === m![1] || i.aliases.includes(m![1]));
      if (target.length === 0) return [404, { error: `no such index [${m[1]}]` }];
      return [200, { count: target.reduce((sum, [, i]) => sum + i.docs, 0) }];
    }
    if (method === "DELETE" && (m = /^\/([^/_][^/]*)$/.exec(path))) {
      const index = this.indices.get(m[1]);
      if (!index) return [404, { error: `no such index [${m[1]}]` }];
      // Pessimistic: a follower index is stopped before it can be deleted.
      if (index.status !== NOT_IN_PROGRESS) {
        return [400, { error: `stop replication of ${m[1]} before deleting it` }];
      }
      this.indices.delete(m[1]);
      return [200, { acknowledged: true }];
    }
    return [400, { error: `simulator has no route for ${method} ${path}` }];
  }
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
