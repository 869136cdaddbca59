// Writes replaceOnChanges.json: for each AWS resource type the program registers, the input
// properties the AWS provider's schema marks `willReplaceOnChanges` (pulumi-terraform-bridge sets it
// from Terraform's ForceNew, pkg/tfgen/generate_schema.go).
//
//   npx ts-node --transpile-only engine/providers/generateReplaceTable.ts <schema.json> <source label>
//
// <schema.json> is pulumi-aws's provider/cmd/pulumi-resource-aws/schema.json at the version the
// lockfile's @pulumi/aws requests (or `pulumi package get-schema aws@<version>` with the real plugin).
// The types are those of the offline plan of both stack files, so the table covers exactly the program.
import * as fs from "fs";
import { REPLACE_TABLE, type ReplaceTable } from "./replaceOnChanges";
import { planBothStacks } from "./programTypes";

interface SchemaResource {
  inputProperties?: Record<string, { willReplaceOnChanges?: boolean }>;
}

async function main(): Promise<void> {
  const [schemaFile, source] = process.argv.slice(2);
  if (!schemaFile || !source) {
    throw new Error(
      "usage: generateReplaceTable.ts <schema.json> <source label, e.g. pulumi-aws v7.48.0>",
    );
  }
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as {
    resources: Record<string, SchemaResource>;
  };
  const types = (await planBothStacks()).filter((t) => t.startsWith("aws:"));
  const table: ReplaceTable = { source, types: {} };
  for (const type of types.sort()) {
    const resource = schema.resources[type];
    if (!resource) throw new Error(`${type} is not in ${schemaFile}`);
    table.types[type] = Object.entries(resource.inputProperties ?? {})
      .filter(([, p]) => p.willReplaceOnChanges)
      .map(([name]) => name)
      .sort();
  }
  fs.writeFileSync(REPLACE_TABLE, JSON.stringify(table, null, 2) + "\n");
  console.log(`wrote ${REPLACE_TABLE}: ${types.length} types`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
