// SNS: tell people. Best effort by design: a notification that fails must not undo a promotion.
import { PublishCommand } from "@aws-sdk/client-sns";
import type { RegionalClients } from "../clients";
import type { RegionFailoverSettings } from "../settings";

/** SNS subjects are limited to 100 characters. */
const SUBJECT_LIMIT = 100;

export async function notify(
  clients: RegionalClients,
  settings: RegionFailoverSettings,
  subject: string,
  message: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<void> {
  await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.notifyTopicArn,
      Subject: subject.slice(0, SUBJECT_LIMIT),
      Message: JSON.stringify(message, null, 2),
    }),
    { abortSignal: signal },
  );
}
