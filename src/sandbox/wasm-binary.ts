/**
 * Reads what the sandbox must check in a WebAssembly binary before it is instantiated: its
 * imports (with a memory import's limits) and whether it defines a memory of its own. The
 * format is the WebAssembly Core Specification 2.0, chapter 5 (binary format): the preamble
 * (5.5.16), sections as id byte + u32 LEB128 size (5.5.2), the import section (id 2, 5.5.5),
 * the table section (id 4, 5.5.7; a reference type byte, then limits),
 * the memory section (id 5, 5.5.8) and limits (5.3.7: flag 0 = min, 1 = min max; 2/3 shared,
 * 4-7 memory64, from the threads and memory64 proposals). A fault is SandboxError('bad-module')
 * with the byte offset.
 */
import { SANDBOX_LIMITS, SandboxMessages } from './constants.js';
import { SandboxError } from './errors.js';

export type ImportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface MemoryLimits {
  minPages: number;
  maxPages?: number;
  shared: boolean;
  memory64: boolean;
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: ImportKind;
  /** For a memory import. */
  limits?: MemoryLimits;
  offset: number;
}

export interface ModuleInfo {
  imports: ModuleImport[];
  /** Memories the module defines itself (memory section entries). */
  ownMemories: number;
  /** Byte offset of the memory section, when there is one. */
  memorySectionOffset?: number;
  /** The largest initial size of a table the module defines or imports (elements), and where. */
  maxTableElements: number;
  tableOffset?: number;
  hasStart: boolean;
}

const KINDS: ImportKind[] = ['function', 'table', 'memory', 'global', 'tag'];

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  byte(): number {
    if (this.pos >= this.end) throw new SandboxError('bad-module', SandboxMessages.truncated(this.pos), { offset: this.pos });
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128 of at most `bits` bits (5.2.2): at most ceil(bits / 7) bytes. */
  uleb(bits = 32): number {
    const at = this.pos;
    let result = 0;
    for (let n = 0, shift = 0; ; n++, shift += 7) {
      if (n >= Math.ceil(bits / 7)) throw new SandboxError('bad-module', SandboxMessages.badLeb(at), { offset: at });
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (bits === 32 && result > 0xffffffff) throw new SandboxError('bad-module', SandboxMessages.badLeb(at), { offset: at });
        return result;
      }
    }
  }
  name(): string {
    const len = this.uleb();
    const at = this.pos;
    if (len > this.end - this.pos) throw new SandboxError('bad-module', SandboxMessages.truncated(this.end), { offset: at });
    this.pos += len;
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(at, at + len));
  }
  limits(): MemoryLimits {
    const at = this.pos;
    const flag = this.byte();
    if (flag > 7) throw new SandboxError('bad-module', SandboxMessages.badLeb(at), { offset: at });
    const memory64 = (flag & 4) !== 0;
    const bits = memory64 ? 64 : 32;
    const minPages = this.uleb(bits);
    const maxPages = flag & 1 ? this.uleb(bits) : undefined;
    return { minPages, maxPages, shared: (flag & 2) !== 0, memory64 };
  }
}

/** Read a module's imports and own memories without instantiating it. */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  if (bytes.length > SANDBOX_LIMITS.maxModuleBytes) throw new SandboxError('module-too-large', SandboxMessages.tooLarge(bytes.length), { offset: 0 });
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new SandboxError('bad-module', SandboxMessages.notWasm, { offset: 0 });
  }
  const info: ModuleInfo = { imports: [], ownMemories: 0, hasStart: false, maxTableElements: 0 };
  const top = new Reader(bytes, 8, bytes.length);
  let sections = 0;
  while (top.pos < bytes.length) {
    if (++sections > SANDBOX_LIMITS.maxSections) throw new SandboxError('bad-module', SandboxMessages.sectionOrder(top.pos), { offset: top.pos });
    const sectionAt = top.pos;
    const id = top.byte();
    const size = top.uleb();
    if (size > bytes.length - top.pos) throw new SandboxError('bad-module', SandboxMessages.sectionOrder(sectionAt), { offset: sectionAt });
    const r = new Reader(bytes, top.pos, top.pos + size);
    if (id === 2) {
      const count = r.uleb();
      if (count > SANDBOX_LIMITS.maxImports) throw new SandboxError('forbidden-import', `the module has ${count} imports; at most ${SANDBOX_LIMITS.maxImports} are read`, { offset: sectionAt });
      for (let i = 0; i < count; i++) {
        const offset = r.pos;
        const module = r.name();
        const name = r.name();
        const kindAt = r.pos;
        const k = r.byte();
        const kind = KINDS[k];
        if (kind === undefined) throw new SandboxError('bad-module', `unknown import kind ${k} at byte ${kindAt}`, { offset: kindAt });
        const entry: ModuleImport = { module, name, kind, offset };
        if (kind === 'function') r.uleb();
        else if (kind === 'table') {
          r.byte();
          const t = r.limits();
          if (t.minPages > info.maxTableElements) [info.maxTableElements, info.tableOffset] = [t.minPages, offset];
        } else if (kind === 'memory') entry.limits = r.limits();
        else if (kind === 'global') {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.uleb();
        }
        info.imports.push(entry);
      }
    } else if (id === 4) {
      const count = r.uleb();
      for (let i = 0; i < count; i++) {
        const at = r.pos;
        r.byte();
        const t = r.limits();
        if (t.minPages > info.maxTableElements) [info.maxTableElements, info.tableOffset] = [t.minPages, at];
      }
    } else if (id === 5) {
      info.ownMemories += r.uleb();
      info.memorySectionOffset = sectionAt;
    } else if (id === 8) info.hasStart = true;
    top.pos += size;
  }
  return info;
}
