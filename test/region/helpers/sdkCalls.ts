// Records every call the real SDK clients make, with the region the client was built for: the
// default wiring (no injected clients) is then tested the way AWS would judge it. A request sent
// to the wrong region does not fail in a mock, but in AWS it reaches another region's table,
// group or parameter, or none.
import { mockClient, type AwsStub } from "aws-sdk-client-mock";

export interface SdkCall {
  /** The client class, e.g. "DynamoDBClient". */
  client: string;
  /** The command class, e.g. "GetItemCommand". */
  command: string;
  region: string;
  input: Record<string, unknown>;
}

type ClientClass = abstract new (...args: any[]) => { send: (...args: any[]) => any };

export interface SdkRecorder {
  stubs: Map<string, AwsStub<any, any, any>>;
  calls(): Promise<SdkCall[]>;
  restore(): void;
}

/**
 * Stubs `send` of each class (every instance, including ones built inside the code under test);
 * a command without a configured answer gets an empty response.
 */
export function recordSdkCalls(classes: ClientClass[]): SdkRecorder {
  const stubs = new Map(classes.map((c) => [c.name, mockClient(c as any).resolves({})]));
  return {
    stubs,
    async calls() {
      // In the order they were made (sinon orders every call), across clients.
      const made = [...stubs].flatMap(([client, stub]) =>
        stub.calls().map((call) => ({ client, call })),
      );
      made.sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1));
      const all: SdkCall[] = [];
      for (const { client, call } of made) {
        const command = call.args[0] as { constructor: { name: string }; input: any };
        const region = await (call.thisValue as any).config.region();
        all.push({ client, command: command.constructor.name, region, input: command.input });
      }
      return all;
    },
    restore: () => stubs.forEach((s) => s.restore()),
  };
}
