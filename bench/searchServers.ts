// Real HTTP servers on 127.0.0.1 that answer like OpenSearch's /_cluster/health, or fail in the
// ways a real endpoint does. Used by the search health tests and the sweep benchmark.
import * as http from "node:http";
import { AddressInfo, Socket } from "node:net";

export type ServerBehaviour =
  | "green"
  | "yellow"
  | "red"
  | "error-500"
  | "garbage"
  | "no-status"
  /** Accepts the connection and never answers: a blackholed endpoint. */
  | "silent";

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface SearchServer {
  url: string;
  behaviour: ServerBehaviour;
  requests: SeenRequest[];
}

export interface SearchServers {
  servers: SearchServer[];
  urls: string[];
  close(): Promise<void>;
}

function answer(behaviour: ServerBehaviour, res: http.ServerResponse): void {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  switch (behaviour) {
    case "green":
    case "yellow":
    case "red":
      return json(200, {
        cluster_name: "111122223333:shop",
        status: behaviour,
        number_of_nodes: 3,
      });
    case "error-500":
      return json(500, { error: { type: "master_not_discovered_exception" }, status: 500 });
    case "garbage":
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>502 Bad Gateway</html>");
      return;
    case "no-status":
      return json(200, { cluster_name: "111122223333:shop" });
    case "silent":
      return; // keep the request open; close() destroys the socket
  }
}

/** Starts one server per behaviour; `behaviour` may be changed between requests. */
export async function startSearchServers(behaviours: ServerBehaviour[]): Promise<SearchServers> {
  const sockets = new Set<Socket>();
  const httpServers: http.Server[] = [];
  const servers: SearchServer[] = [];
  for (const behaviour of behaviours) {
    const server: SearchServer = { url: "", behaviour, requests: [] };
    const httpServer = http.createServer((req, res) => {
      server.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      answer(server.behaviour, res);
    });
    httpServer.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    server.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    httpServers.push(httpServer);
    servers.push(server);
  }
  return {
    servers,
    urls: servers.map((s) => s.url),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(httpServers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** A URL on which nothing listens: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
