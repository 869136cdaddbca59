// NET: no bucket may be made public. S3 blocks public access for new buckets by default since
// April 2023, but only a BucketPublicAccessBlock in the program keeps a console or CLI change from
// undoing it unnoticed ("Blocking public access to your Amazon S3 storage", S3 User Guide,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { ofType, refersTo } from "../lib/stack";
import { Subject } from "../lib/subject";
import { known } from "../lib/values";

/** The four switches; each closes a different way to make objects public. */
const SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

export const s3BucketPublicAccessBlock: StackValidationPolicy = {
  name: "s3-bucket-public-access-block",
  // The block's `bucket` is the bucket's id, an output unknown during preview: refersTo matches by
  // that value when it names a known bucket, otherwise by the component both are declared in.
  description:
    "Every S3 bucket has a BucketPublicAccessBlock (named by its bucket input, or declared beside it) with all four settings true.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const buckets = ofType(args.resources, aws.s3.Bucket).map((b) => b.resource);
    const blocks = ofType(args.resources, aws.s3.BucketPublicAccessBlock);
    for (const bucket of buckets) {
      const own = blocks.filter((b) =>
        refersTo(
          known(() => b.props.bucket),
          b.resource,
          bucket,
          buckets,
        ),
      );
      if (own.length === 0) {
        new Subject(bucket, report).fail(
          "must have an aws.s3.BucketPublicAccessBlock",
          "no block names it in `bucket` or is declared beside it",
          "Add an aws.s3.BucketPublicAccessBlock with bucket: <bucket>.id and all four settings true, in the same component.",
        );
        continue;
      }
      for (const block of own) {
        const subject = new Subject(block.resource, report);
        for (const setting of SETTINGS) {
          subject.expect({
            property: setting,
            read: () => block.props[setting],
            ok: (v) => v === true,
            must: `must block public access to bucket "${bucket.name}"`,
            fix: `Set ${setting}: true (all four settings).`,
          });
        }
      }
    }
  },
};

export const s3PublicAccessPolicies = [s3BucketPublicAccessBlock];
