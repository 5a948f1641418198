// Builds a message handler from a generated protobuf codec: one signer field, stateless checks,
// and a handler whose response is encoded with the response codec.
import type { AnyMsgHandler, TxContext } from './module.js';
import { eraseMsgHandler } from './module.js';

export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
  fromPartial(object: object): T;
}

export interface ProtoMsgSpec<M, R> {
  readonly typeUrl: string;
  readonly module: string;
  readonly codec: Codec<M>;
  readonly response: { readonly typeUrl: string; readonly codec: Codec<R> };
  readonly signer: (msg: M) => string;
  readonly validate?: (msg: M) => void;
  readonly handle: (ctx: TxContext, msg: M) => Promise<Partial<R>> | Partial<R>;
}

export function protoMsg<M, R>(spec: ProtoMsgSpec<M, R>): AnyMsgHandler {
  return eraseMsgHandler<M>({
    typeUrl: spec.typeUrl,
    module: spec.module,
    decode: (bytes) => spec.codec.decode(bytes),
    signers: (msg) => [spec.signer(msg)],
    validate: (msg) => spec.validate?.(msg),
    async handle(ctx, msg) {
      const res = await spec.handle(ctx, msg);
      return { typeUrl: spec.response.typeUrl, value: spec.response.codec.encode(spec.response.codec.fromPartial(res)).finish() };
    },
  });
}
