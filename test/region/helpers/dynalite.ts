// A real DynamoDB-compatible server (dynalite) on 127.0.0.1 for the authority table: the lease's
// conditional writes are exercised for real, including under concurrency.
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AddressInfo, Server } from "node:net";
import { createAuthorityClient, DEFAULT_SDK_TIMEOUTS } from "../../../functions/region/clients";

// dynalite ships no type declarations.

const dynalite = require("dynalite") as (options: { createTableMs: number }) => Server;

export const FAKE_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface LocalDynamo {
  endpoint: string;
  client(region?: string): DynamoDBClient;
  createAuthorityTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (region = "eu-west-1") =>
    createAuthorityClient(region, DEFAULT_SDK_TIMEOUTS, {
      endpoint,
      credentials: FAKE_CREDENTIALS,
    });
  return {
    endpoint,
    client,
    async createAuthorityTable(name) {
      await client().send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let counter = 0;
export const uniqueTableName = (prefix = "authority") => `${prefix}-${process.pid}-${++counter}`;
