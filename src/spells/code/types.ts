/** Shapes shared by the source readers in `src/spells/code/`. */

/** A place in a source file; `line` and `column` are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type ExportKind = 'function' | 'class' | 'const' | 'let' | 'var' | 'type' | 'interface' | 'enum' | 'namespace';

/** Parameter list text (without the parentheses) and return type text, whitespace-collapsed. */
export interface SignatureText {
  params: string;
  returns: string;
}

export interface ExportedSymbol {
  name: string;
  kind: ExportKind;
  /** Where the symbol is declared (after following re-exports), at its name. */
  location: SourceLocation;
  /** For functions (and const arrow functions with annotated params): parameter list text and return type text, whitespace-collapsed. */
  signature?: SignatureText;
  /** For an overloaded function: every overload signature (the first is `signature`). */
  overloads?: SignatureText[];
  /** For classes: constructor and public method signatures by member name ('constructor' for the constructor). */
  members?: Record<string, SignatureText>;
}

export interface SourceProblem {
  message: string;
  location: SourceLocation;
}

export interface ModuleExports {
  entry: string;
  symbols: Map<string, ExportedSymbol>;
  problems: SourceProblem[];
}
