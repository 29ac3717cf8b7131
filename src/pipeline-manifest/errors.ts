/**
 * The manifest reader's one typed error. It carries every problem found (`issues`), each with a
 * stable code and a location: the node id and field at fault and, when the text is at hand,
 * the 1-based line and column of the offending value (YAML and JSON alike).
 */

export type ManifestErrorCode =
  | 'too-large'
  | 'syntax'
  | 'schema'
  | 'version'
  | 'duplicate-id'
  | 'unknown-connection-node'
  | 'cycle'
  | 'unknown-node-type'
  | 'bad-param'
  | 'port-mismatch';

export interface ManifestIssue {
  code: ManifestErrorCode;
  message: string;
  /** The node at fault, when there is one. */
  nodeId?: string;
  /** JSON pointer of the offending value, e.g. `/nodes/2/params/chunk_size`. */
  pointer?: string;
  /** The field at fault in dotted form, e.g. `params.chunk_size` or `connections[1].to`. */
  field?: string;
  /** 1-based line and column in the manifest text. */
  line?: number;
  column?: number;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly code: ManifestErrorCode;
  readonly nodeId?: string;
  readonly field?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(readonly issues: ManifestIssue[]) {
    const first = issues[0]!;
    const where = first.line ? ` (line ${first.line}${first.column ? `, column ${first.column}` : ''})` : '';
    const more = issues.length > 1 ? ` [and ${issues.length - 1} more]` : '';
    super(`${first.message}${where}${more}`);
    this.code = first.code;
    this.nodeId = first.nodeId;
    this.field = first.field;
    this.line = first.line;
    this.column = first.column;
  }
}
