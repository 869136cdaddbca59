// Real HTTP endpoints on 127.0.0.1 for the canaries: healthy, failing, flapping, or silent.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Answer = number | "silent";

export interface HealthServer {
  url: string;
  hits: number;
  /** Changes what the next requests get. */
  answer(next: Answer | (() => Answer)): void;
  close(): Promise<void>;
}

export async function startHealthServer(initial: Answer | (() => Answer)): Promise<HealthServer> {
  let behaviour = typeof initial === "function" ? initial : () => initial;
  const sockets = new Set<Socket>();
  const state = { hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits++;
    const answer = behaviour();
    if (answer === "silent") return; // accept, never answer: a blackholed target
    res.writeHead(answer, { "content-type": "text/plain" });
    res.end(answer < 400 ? "ok" : "unhealthy");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health_check.php`,
    get hits() {
      return state.hits;
    },
    answer(next) {
      behaviour = typeof next === "function" ? next : () => next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port where nothing listens: connections are refused, as from a region that is gone. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/health_check.php`;
}

/** A TCP server that accepts connections and never sends a byte: the worst kind of dead. */
export async function blackhole(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const net = await import("node:net");
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
