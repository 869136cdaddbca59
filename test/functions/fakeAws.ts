// Test doubles shared by the function tests: an SSM parameter store behind aws-sdk-client-mock (so
// every call is still recorded and assertable with commandCalls) and a console.log capture.
import {
  GetParameterCommand,
  GetParameterCommandInput,
  GetParametersCommand,
  GetParametersCommandInput,
  ParameterNotFound,
  PutParameterCommand,
  PutParameterCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { AwsClientStub } from "aws-sdk-client-mock";

export const FAKE_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

interface Stored {
  value: string;
  modified: Date;
}

export interface FakeParameterStore {
  value(name: string): string | undefined;
  /** The next PutParameter of `name` fails with `error` and stores nothing. */
  failNextPut(name: string, error: Error): void;
}

/**
 * Makes the mocked SSM client behave like a parameter store holding `initial`. Each write gets a
 * later LastModifiedDate than every earlier one, like the real service.
 */
export function fakeParameterStore(
  ssmMock: AwsClientStub<SSMClient>,
  initial: Record<string, string>,
): FakeParameterStore {
  const failures = new Map<string, Error>();
  let clock = Date.UTC(2025, 0, 1);
  const tick = () => new Date((clock += 1000));
  const store = new Map<string, Stored>();
  for (const [name, value] of Object.entries(initial)) store.set(name, { value, modified: tick() });
  const toParameter = (name: string, p: Stored) => ({
    Name: name,
    Value: p.value,
    Type: "String" as const,
    LastModifiedDate: p.modified,
  });

  ssmMock.on(GetParameterCommand).callsFake((input: GetParameterCommandInput) => {
    const p = store.get(input.Name ?? "");
    if (p === undefined) {
      throw new ParameterNotFound({ message: `${input.Name} not found`, $metadata: {} });
    }
    return { Parameter: toParameter(input.Name ?? "", p) };
  });
  ssmMock.on(GetParametersCommand).callsFake((input: GetParametersCommandInput) => {
    const names = input.Names ?? [];
    return {
      Parameters: names.flatMap((n) => (store.has(n) ? [toParameter(n, store.get(n)!)] : [])),
      InvalidParameters: names.filter((n) => !store.has(n)),
    };
  });
  ssmMock.on(PutParameterCommand).callsFake((input: PutParameterCommandInput) => {
    const failure = failures.get(input.Name ?? "");
    if (failure !== undefined) {
      failures.delete(input.Name ?? "");
      throw failure;
    }
    store.set(input.Name ?? "", { value: input.Value ?? "", modified: tick() });
    return { Version: 1 };
  });
  return {
    value: (name) => store.get(name)?.value,
    failNextPut: (name, error) => failures.set(name, error),
  };
}

/** The PutParameter calls recorded on the mock, as [name, value] pairs in call order. */
export function puts(ssmMock: AwsClientStub<SSMClient>): [string, string][] {
  return ssmMock
    .commandCalls(PutParameterCommand)
    .map((call) => [call.args[0].input.Name ?? "", call.args[0].input.Value ?? ""]);
}

/**
 * Replaces console.log while a test runs, so structured log lines can be asserted and do not
 * clutter the mocha report. Call in beforeEach; call restore in afterEach.
 */
export function captureLogs(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const original = console.log;
  const raw: string[] = [];
  console.log = (...args: unknown[]) => {
    raw.push(args.map(String).join(" "));
  };
  return {
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      console.log = original;
    },
  };
}
