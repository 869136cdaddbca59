import * as aws from "@pulumi/aws";
import { s3BucketPublicAccessBlock } from "../../policies/rules/s3PublicAccess";
import { mutate } from "./fixtures";
import {
  assertNoViolations,
  assertUnverifiable,
  assertViolation,
  checkStack,
  Declared,
  preview,
  U,
  urnOf,
} from "./util";

const APP = "urn:pulumi:test::magento-dr::magento-dr:app:AppTier::home-app";
const blocked = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};

function logsStack(): Declared[] {
  return [
    { cls: aws.s3.Bucket, name: "home-app-alb-logs", props: { forceDestroy: false }, parent: APP },
    {
      cls: aws.s3.BucketPublicAccessBlock,
      name: "home-app-alb-logs",
      // The bucket's id is an output: unknown during preview, so the shared parent decides.
      props: preview({ ...blocked, bucket: U }),
      parent: APP,
    },
  ];
}

describe("policies: S3 public access", () => {
  describe("s3-bucket-public-access-block", () => {
    it("passes a bucket whose block (declared beside it) sets all four settings", () => {
      assertNoViolations(checkStack(s3BucketPublicAccessBlock, logsStack()));
    });

    it("matches a block elsewhere by the bucket name it gives", () => {
      const stack = mutate(logsStack(), "home-app-alb-logs", (r) =>
        r.cls === aws.s3.BucketPublicAccessBlock
          ? { ...r, parent: undefined, props: { ...blocked, bucket: "home-app-alb-logs-1a2b3c4" } }
          : r,
      );
      assertNoViolations(checkStack(s3BucketPublicAccessBlock, stack));
    });

    it("flags a bucket without a block", () => {
      const stack = logsStack().filter((r) => r.cls === aws.s3.Bucket);
      assertViolation(
        checkStack(s3BucketPublicAccessBlock, stack),
        ['s3.Bucket "home-app-alb-logs" must have an aws.s3.BucketPublicAccessBlock'],
        urnOf("aws:s3/bucket:Bucket", "home-app-alb-logs"),
      );
    });

    it("matches a block naming a bucket outside the stack only within its component", () => {
      const stack = mutate(logsStack(), "home-app-alb-logs", (r) =>
        r.cls === aws.s3.BucketPublicAccessBlock
          ? { ...r, props: { ...blocked, bucket: "someone-elses-bucket" } }
          : r,
      );
      // Known and not this bucket's auto-name, nor its id (an output, absent here): still beside
      // it, so the parent decides; a block in another component would not count.
      assertNoViolations(checkStack(s3BucketPublicAccessBlock, stack));
      const moved = mutate(stack, "home-app-alb-logs", (r) =>
        r.cls === aws.s3.BucketPublicAccessBlock ? { ...r, parent: undefined } : r,
      );
      assertViolation(checkStack(s3BucketPublicAccessBlock, moved), [
        "must have an aws.s3.BucketPublicAccessBlock",
      ]);
    });

    it("flags a block with a setting false", () => {
      const stack = mutate(logsStack(), "home-app-alb-logs", (r) =>
        r.cls === aws.s3.BucketPublicAccessBlock
          ? { ...r, props: preview({ ...blocked, bucket: U, restrictPublicBuckets: false }) }
          : r,
      );
      assertViolation(checkStack(s3BucketPublicAccessBlock, stack), [
        's3.BucketPublicAccessBlock "home-app-alb-logs" must block public access to bucket "home-app-alb-logs"',
        "restrictPublicBuckets is false",
      ]);
    });

    it("does not let a setting unknown during preview pass", () => {
      const stack = mutate(logsStack(), "home-app-alb-logs", (r) =>
        r.cls === aws.s3.BucketPublicAccessBlock
          ? { ...r, props: preview({ ...blocked, bucket: U, blockPublicPolicy: U }) }
          : r,
      );
      assertUnverifiable(checkStack(s3BucketPublicAccessBlock, stack), "blockPublicPolicy");
    });
  });
});
