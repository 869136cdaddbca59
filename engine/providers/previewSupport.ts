// Preview support for a provider served by @pulumi/pulumi/provider's `main`. Its gRPC server neither
// declares `supportsPreview` in Configure nor tells the provider that a Create is a preview, so the
// engine previews a create by copying the inputs into the state: a computed field nested in an
// input object (an EFS replication's destination.fileSystemId) is then absent where the AWS
// provider, which supports preview, reports it unknown, and a program's apply over it runs where it
// would not against AWS. This wraps the service implementation as it is registered: Configure also
// declares preview support, and a Create with `preview` set is answered by `previewCreate`.
import * as path from "path";

export interface PreviewCreator {
  previewCreate(
    urn: string,
    inputs: Record<string, unknown>,
  ): Promise<{ id: string; outs: unknown }>;
}

type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

// The copies @pulumi/pulumi itself uses (its gRPC server and protobuf classes).
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (id: string) => require(require.resolve(id, { paths: [sdkDir] }));

export function servePreviews(provider: PreviewCreator): void {
  const grpc = fromSdk("@grpc/grpc-js");
  const provproto = require("@pulumi/pulumi/proto/provider_pb");
  const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb");
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: unknown, impl: Record<string, Handler>) {
    const configure = impl.configure.bind(impl);
    const create = impl.create.bind(impl);
    impl.configure = (call, callback) =>
      configure(call, (error, response) => {
        (response as { setSupportspreview?: (v: boolean) => void })?.setSupportspreview?.(true);
        callback(error, response);
      });
    impl.create = (call, callback) => {
      if (!call.request.getPreview()) return create(call, callback);
      provider
        .previewCreate(call.request.getUrn(), call.request.getProperties().toJavaScript())
        .then(({ id, outs }) => {
          const response = new provproto.CreateResponse();
          response.setId(id);
          response.setProperties(structproto.Struct.fromJavaScript(outs));
          callback(null, response);
        })
        .catch((error: unknown) => callback(error));
    };
    return addService.call(this, service, impl);
  };
}
