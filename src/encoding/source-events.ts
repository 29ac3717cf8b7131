/** What media sources report while they run (a small listener list, no Node EventEmitter), and opening their files. */
import { openSync } from 'node:fs';
import { MediaSourceError } from './errors.js';

export type SourceEventKind =
  /** No new frame or sample for SOURCE_STALL_MS; the last picture is repeated, silence is sent. */
  | 'stalled'
  /** Frames or samples arrive again after `stalled`. */
  | 'resumed'
  /** A file reached its end and starts again from its first frame or sample (loop on). */
  | 'looped'
  /** The source has nothing more: a file ended (loop off) or the program called end(). */
  | 'ended'
  /** Something could not be read (a truncated file); `error` says what. The source goes on if it can. */
  | 'error';

export interface SourceEvent {
  kind: SourceEventKind;
  /** The source's description (`pushed RGBA`, `clip.y4m 320x240@30`...). */
  source: string;
  error?: MediaSourceError;
}

export type SourceListener = (event: SourceEvent) => void;

/** Listener bookkeeping shared by every source. */
export class SourceEventHub {
  private readonly listeners = new Set<SourceListener>();

  constructor(private readonly describe: () => string) {}

  /** Adds a listener; returns the function that removes it. */
  on(listener: SourceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(kind: SourceEventKind, error?: MediaSourceError): void {
    const event: SourceEvent = { kind, source: this.describe(), ...(error ? { error } : {}) };
    for (const l of [...this.listeners]) l(event);
  }
}

/** Opens a source file for reading; MediaSourceError `io` naming the path and the system's code when it cannot. */
export function openSourceFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw new MediaSourceError('io', `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
}
