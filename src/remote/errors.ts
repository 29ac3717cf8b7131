/**
 * Remote execution's one typed error. `code` is stable; `nodeId` names the node when there is one.
 */
export type RemoteErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'connection-lost'
  | 'remote-node-failed'
  | 'refused'
  | 'protocol'
  | 'bad-message'
  | 'too-large';

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    readonly nodeId?: string,
    options?: { cause?: unknown; offset?: number; remoteCode?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.offset = options?.offset;
    this.remoteCode = options?.remoteCode;
  }
  /** The code on the wire: what the executor said (e.g. 'signature-missing', 'package-missing'), or will say. */
  readonly remoteCode?: string;
  /** For 'bad-message': the byte offset in the message where it went wrong. */
  readonly offset?: number;
}
