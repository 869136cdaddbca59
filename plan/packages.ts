// Lambda packages as the program builds them: `CallbackFunction` hands the engine an asset
// archive (the serialized closure as __index.js, plus any node_modules folders it decided to
// ship). Offline, the archive is measured here instead of being zipped and uploaded.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_DIR } from "./stackConfig";

export interface LambdaPackage {
  /** Uncompressed bytes of everything in the archive. */
  bytes: number;
  /** Entry name to uncompressed bytes. */
  files: Record<string, number>;
  /** The serialized handler module, when the archive has one. */
  indexJs?: string;
}

function sizeOnDisk(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs
    .readdirSync(target)
    .reduce((sum, entry) => sum + sizeOnDisk(path.join(target, entry)), 0);
}

export async function measureArchive(archive: pulumi.asset.AssetArchive): Promise<LambdaPackage> {
  const assets = (await archive.assets) as Record<
    string,
    pulumi.asset.Asset | pulumi.asset.Archive
  >;
  const files: Record<string, number> = {};
  let indexJs: string | undefined;
  for (const [name, asset] of Object.entries(assets)) {
    if (asset instanceof pulumi.asset.StringAsset) {
      const text = await asset.text;
      if (name === "__index.js") indexJs = text;
      files[name] = Buffer.byteLength(text);
    } else {
      const location = (await (asset as pulumi.asset.FileArchive | pulumi.asset.FileAsset)
        .path) as string;
      files[name] = sizeOnDisk(path.resolve(PROJECT_DIR, location));
    }
  }
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  return { bytes, files, indexJs };
}
