// The hand-off from the detector to the orchestrator. The promotion runs in an invocation of its
// own (the orchestrator Lambda), never inside the detector's: a detector run stays short and
// minute-periodic, and a killed promotion is resumed by the next detector run once its short
// lease runs out. The detector invokes the orchestrator asynchronously ("Event"), so the
// detector returns at once; Lambda queues the event, and the orchestrator's own checks (event
// age, epoch, lease) decide what a late or duplicate event does.
//
// Lambda API reference, Invoke: "InvocationType: Event – Invoke the function asynchronously.
// Send events that fail multiple times to the function's dead-letter queue (if one is
// configured). The API response only includes a status code." and "If the request is
// successful... For the Event invocation type, the status code is 202."
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html)
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { FailoverEvent } from "./event";

export interface PromotionRequested {
  outcome: "requested";
  statusCode: number;
}

/** Asks the orchestrator function to promote, asynchronously; throws when Lambda refuses. */
export function invokeOrchestrator(client: LambdaClient, functionName: string) {
  return async (event: FailoverEvent, signal?: AbortSignal): Promise<PromotionRequested> => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
      { abortSignal: signal },
    );
    if (out.StatusCode !== 202) {
      throw new Error(`orchestrator ${functionName} not queued: status ${out.StatusCode}`);
    }
    return { outcome: "requested", statusCode: out.StatusCode };
  };
}
