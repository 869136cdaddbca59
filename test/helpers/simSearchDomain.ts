// A simulated OpenSearch Service domain on 127.0.0.1: the subset of the REST API and of the
// cross-cluster replication plugin's API the replication function uses, with the behaviour the
// documentation describes (OpenSearch "Cross-cluster replication API"; OpenSearch Service
// Developer Guide, "Cross-cluster replication"). Where the documentation is silent the simulator
// takes the pessimistic side, and says so beside the code. Every request is recorded.
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

  constructor(readonly credentials = { username: "magento", password: "s3cret" }) {}

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
        const expected = `Basic ${Buffer.from(
          `${this.credentials.username}:${this.credentials.password}`,
        ).toString("base64")}`;
        // Fine-grained access control: no anonymous access.
        if (req.headers.authorization !== expected) return send(401, { error: "Unauthorized" });
        try {
          const [status, payload] = this.route(req.method ?? "GET", path, body);
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

  private route(method: string, path: string, body: unknown): [number, unknown] {
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
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

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
