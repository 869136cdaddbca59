// No deploy may drop, rename or re-parent a deployed resource by accident: the engine would
// delete it and create another (a new database, a new file system). test/fixtures/deployed-urns
// holds each prod stack's URNs as deployed; every one of them must still be answered by exactly
// one resource of the program, by its URN or by its aliases (test/helpers/engineUrns.ts).
// Adding resources needs no change here. When a resource is removed on purpose, refresh the
// list (UPDATE_DEPLOYED_URNS=1 npx mocha test/deployedUrns.test.ts) and say why in the commit.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { engineUrns } from "./helpers/engineUrns";
import { planOf } from "./helpers/plan";

const FIXTURES = path.join(__dirname, "fixtures", "deployed-urns");

describe("deployed URNs: every deployed resource keeps its identity", () => {
  for (const stack of ["prod-use1", "prod-euw1"]) {
    it(`${stack}: each deployed URN is answered by exactly one resource, by URN or alias`, async () => {
      const { run } = await planOf(stack);
      const { engineUrn, knownAs } = engineUrns(run.resources);
      const file = path.join(FIXTURES, `${stack}.txt`);
      if (process.env.UPDATE_DEPLOYED_URNS === "1") {
        const current = [...engineUrn.values()].sort();
        fs.writeFileSync(file, `${current.join("\n")}\n`);
      }
      const deployed = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
      assert.ok(deployed.length > 150, `${file} lists ${deployed.length} URNs`);
      const claims = new Map<string, string[]>();
      for (const [mockUrn, names] of knownAs) {
        for (const name of names) claims.set(name, [...(claims.get(name) ?? []), mockUrn]);
      }
      const lost = deployed.filter((urn) => !claims.has(urn));
      assert.deepStrictEqual(lost, [], "deployed resources the program would delete");
      const shared = deployed.filter((urn) => claims.get(urn)!.length > 1);
      assert.deepStrictEqual(shared, [], "deployed resources two resources would claim");
    });
  }

  it("computes the engine's URNs and follows an alias to a former parent through a moved subtree", async () => {
    const prefix = "urn:pulumi:s::p";
    const stack = {
      urn: `${prefix}::pulumi:pulumi:Stack::p-s`,
      type: "pulumi:pulumi:Stack",
      name: "p-s",
    };
    const region = {
      urn: `${prefix}::pulumi:pulumi:Stack$x:RegionStack::r`,
      type: "x:RegionStack",
      name: "r",
      parent: stack.urn,
    };
    const part = {
      urn: `${prefix}::x:RegionStack$x:Part::r-data`,
      type: "x:Part",
      name: "r-data",
      parent: region.urn,
    };
    // Media moved from the region stack into the part, with an alias naming its former parent.
    const media = {
      urn: `${prefix}::x:Part$x:Media::r-media`,
      type: "x:Media",
      name: "r-media",
      parent: part.urn,
      aliases: [{ parentUrn: region.urn }],
    };
    const fileSystem = {
      urn: `${prefix}::x:Media$aws:efs:FileSystem::r-media-fs`,
      type: "aws:efs:FileSystem",
      name: "r-media-fs",
      parent: media.urn,
    };
    const records = [stack, region, part, media, fileSystem].map((r) => ({
      custom: false,
      inputs: {},
      protect: false,
      ignoreChanges: [],
      dependencies: [],
      propertyDependencies: {},
      aliases: [],
      ...r,
    }));
    const { engineUrn, knownAs } = engineUrns(records);
    assert.strictEqual(
      engineUrn.get(fileSystem.urn),
      `${prefix}::x:RegionStack$x:Part$x:Media$aws:efs:FileSystem::r-media-fs`,
    );
    assert.deepStrictEqual([...knownAs.get(fileSystem.urn)!].sort(), [
      `${prefix}::x:RegionStack$x:Media$aws:efs:FileSystem::r-media-fs`,
      `${prefix}::x:RegionStack$x:Part$x:Media$aws:efs:FileSystem::r-media-fs`,
    ]);
    assert.deepStrictEqual(
      [...knownAs.get(part.urn)!],
      [`${prefix}::x:RegionStack$x:Part::r-data`],
    );
  });
});
