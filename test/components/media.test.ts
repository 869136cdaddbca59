// The Media component on its own: what each source builds, what it pins, what it refuses.
import * as assert from "assert";
import { Media, type MediaArgs } from "../../components/media";
import { runComponent } from "../helpers/component";

const FS = "aws:efs/fileSystem:FileSystem";
const MOUNT = "aws:efs/mountTarget:MountTarget";
const ACCESS_POINT = "aws:efs/accessPoint:AccessPoint";
const REPLICATION = "aws:efs/replicationConfiguration:ReplicationConfiguration";
const KEY = "aws:kms/key:Key";

const base: Omit<MediaArgs, "source"> = {
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: 3,
  securityGroupId: "sg-efs",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/home",
  region: "us-east-1",
  accountId: "123456789012",
};

function media(source: MediaArgs["source"], extra: Partial<MediaArgs> = {}) {
  return runComponent(() => {
    const m = new Media("m", { ...base, ...extra, source });
    return {
      fileSystemId: m.fileSystemId,
      fileSystemArn: m.fileSystemArn,
      accessPointId: m.accessPointId,
      replicaFileSystemId: m.replicaFileSystemId,
      policyTarget: m.policyTarget,
    };
  });
}

describe("component: Media", function () {
  this.timeout(30_000);

  it("a primary without a replica region: encrypted, backed up, protected, no replication", async () => {
    const run = await media({ kind: "primary" });
    const fs = run.one(FS);
    assert.deepStrictEqual(
      [fs.inputs.encrypted, fs.inputs.kmsKeyId, fs.protect],
      [true, "arn:aws:kms:us-east-1:123456789012:key/home", true],
    );
    assert.strictEqual(
      run.one("aws:efs/backupPolicy:BackupPolicy").inputs.backupPolicy.status,
      "ENABLED",
    );
    assert.deepStrictEqual([run.ofType(REPLICATION).length, run.ofType(KEY).length], [0, 0]);
    assert.strictEqual(run.outputs.replicaFileSystemId, undefined);
    // Named by its tag before it exists (the id is random): the first preview can verify IAM.
    assert.deepStrictEqual(run.outputs.policyTarget, {
      resource: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/*",
      condition: { StringEquals: { "aws:ResourceTag/Name": "m-media" } },
    });
  });

  it("a primary replicating: a rotating key of the replica's region, the destination encrypted with it", async () => {
    const run = await media({ kind: "primary", replicaRegion: "eu-west-1" });
    const key = run.one(KEY, "-replica-key");
    assert.deepStrictEqual(
      [key.region, key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays, key.protect],
      ["eu-west-1", true, 30, true],
    );
    const replication = run.one(REPLICATION);
    assert.strictEqual(replication.inputs.destination.region, "eu-west-1");
    assert.match(replication.inputs.destination.kmsKeyId, /^arn:aws:kms:eu-west-1:123456789012:/);
    assert.deepStrictEqual(replication.ignoreChanges, ["destination", "sourceFileSystemId"]);
    assert.strictEqual(replication.protect, true);
    assert.match(String(run.outputs.replicaFileSystemId), /^fs-/);
  });

  it("protect: false leaves the stateful resources unprotected (a throwaway stack)", async () => {
    const run = await media({ kind: "primary", replicaRegion: "eu-west-1" }, { protect: false });
    assert.deepStrictEqual(
      [run.one(FS).protect, run.one(REPLICATION).protect, run.one(KEY).protect],
      [false, false, false],
    );
  });

  it("a replica named by the home stack: mounts and access point pinned, outputs follow the access point", async () => {
    const run = await media({
      kind: "replica",
      fileSystemId: "fs-0aaaaaaaaaaaaaaaa",
      pinned: false,
    });
    assert.strictEqual(run.ofType(FS).length, 0, "the replica is not this stack's to create");
    const pinned = [...run.ofType(MOUNT), run.one(ACCESS_POINT)];
    assert.strictEqual(pinned.length, 4);
    for (const r of pinned) {
      assert.strictEqual(r.inputs.fileSystemId, "fs-0aaaaaaaaaaaaaaaa", r.name);
      assert.deepStrictEqual(r.ignoreChanges, ["fileSystemId"], r.name);
    }
    assert.strictEqual(run.outputs.fileSystemId, "fs-0aaaaaaaaaaaaaaaa");
    assert.deepStrictEqual(run.outputs.policyTarget, {
      resource: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0aaaaaaaaaaaaaaaa",
    });
  });

  it("a replica pinned by the operator: nothing ignored, so changing the pin moves it", async () => {
    const run = await media({
      kind: "replica",
      fileSystemId: "fs-0bbbbbbbbbbbbbbbb",
      pinned: true,
    });
    for (const r of [...run.ofType(MOUNT), run.one(ACCESS_POINT)]) {
      assert.deepStrictEqual(r.ignoreChanges, [], r.name);
    }
    assert.strictEqual(run.outputs.fileSystemId, "fs-0bbbbbbbbbbbbbbbb");
  });

  it("one mount target per zone, each in its own subnet, behind the given security group", async () => {
    const run = await media({ kind: "primary" });
    const mounts = run.ofType(MOUNT);
    assert.deepStrictEqual(
      mounts.map((m) => [m.name, m.inputs.subnetId, m.inputs.securityGroups]),
      [
        ["m-mount-0", "subnet-a", ["sg-efs"]],
        ["m-mount-1", "subnet-b", ["sg-efs"]],
        ["m-mount-2", "subnet-c", ["sg-efs"]],
      ],
    );
    const ap = run.one(ACCESS_POINT);
    assert.deepStrictEqual(ap.inputs.posixUser, { uid: 995, gid: 992 });
    assert.strictEqual(ap.inputs.rootDirectory.path, "/magento/pub/media");
  });

  it("refuses subnets that do not match the zone count, naming both", async () => {
    await assert.rejects(
      media({ kind: "primary" }, { subnetIds: ["subnet-a", "subnet-b"] }),
      /m: expected 3 subnets, got 2/,
    );
  });
});
