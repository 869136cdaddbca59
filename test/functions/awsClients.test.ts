import assert from "node:assert/strict";
import { AddressInfo, createServer, Server } from "node:net";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { SearchServers, startSearchServers } from "../../bench/searchServers";
import { clientConfig, lazy } from "../../functions/awsClients";
import { logEvent } from "../../functions/log";
import { captureLogs, FAKE_CREDENTIALS } from "./fakeAws";

describe("awsClients", () => {
  let blackhole: SearchServers;
  before(async () => {
    blackhole = await startSearchServers(["silent"]);
  });
  after(() => blackhole.close());

  it("bounds a call to an endpoint that never answers, retrying only maxAttempts times (scenario 19)", async () => {
    const ssm = new SSMClient({
      ...clientConfig("eu-west-1", {
        connectionTimeoutMs: 200,
        requestTimeoutMs: 200,
        maxAttempts: 2,
      }),
      endpoint: blackhole.urls[0],
      credentials: FAKE_CREDENTIALS,
    });
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: "/x" })), {
      name: "TimeoutError",
    });
    assert.equal(blackhole.servers[0].requests.length, 2);
    ssm.destroy();
  }).timeout(3000); // a regression must fail fast, not hang for mocha's 60 s

  it("cuts off an endpoint that trickles its headers and so never looks idle", async () => {
    // Keeps the socket busy with one header line every 50 ms for 2 s: an idle (socket) timeout
    // never fires, only a request timeout that throws ends the call before the server gives up.
    let serverGaveUp = false;
    const trickler: Server = createServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      let lines = 0;
      const timer = setInterval(() => {
        if (++lines <= 40) {
          socket.write("x-wait: 1\r\n");
        } else {
          serverGaveUp = true;
          socket.destroy();
        }
      }, 50);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickler.listen(0, "127.0.0.1", resolve));
    const { port } = trickler.address() as AddressInfo;
    const ssm = new SSMClient({
      ...clientConfig("eu-west-1", { requestTimeoutMs: 300, maxAttempts: 1 }),
      endpoint: `http://127.0.0.1:${port}`,
      credentials: FAKE_CREDENTIALS,
    });
    try {
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: "/x" })), {
        name: "TimeoutError",
      });
      // The SDK also reports the server's hang-up as a TimeoutError: the client must have quit
      // first, on its own request timeout.
      assert.equal(serverGaveUp, false);
    } finally {
      ssm.destroy();
      trickler.close();
    }
  }).timeout(3000);

  it("defaults to standard retry with three attempts", () => {
    const config = clientConfig("us-east-1");
    assert.deepEqual(
      [config.region, config.retryMode, config.maxAttempts],
      ["us-east-1", "standard", 3],
    );
  });

  it("lazy builds once and returns the same value after", () => {
    let built = 0;
    const get = lazy(() => ({ n: ++built }));
    assert.equal(get(), get());
    assert.equal(built, 1);
  });
});

describe("logEvent", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it("writes one JSON line, keeping errors and bigints readable", () => {
    logEvent({ level: "error", error: new TypeError("boom"), big: 10n });
    assert.deepEqual(logs.lines(), [
      { level: "error", error: { name: "TypeError", message: "boom" }, big: "10" },
    ]);
  });

  it("never throws on a circular value", () => {
    const circular: Record<string, unknown> = { message: "loop" };
    circular.self = circular;
    logEvent(circular);
    const [line] = logs.lines();
    assert.equal(line.message, "loop");
    assert.match(String(line.logError), /circular/i);
  });
});
