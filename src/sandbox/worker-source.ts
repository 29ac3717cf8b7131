/**
 * The code of a sandbox worker, as a string run with `new Worker(code, { eval: true })`: it has
 * no imports of ours, so it runs the same from TypeScript sources and from dist/. It creates
 * the memory with its maximum, instantiates the already-compiled module with only the granted
 * host functions, and serves frames: input(len) -> pointer, process(len, kind) -> output length
 * (negative: no output), output() -> pointer (docs/sandbox.md, "ABI").
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { getRandomValues } = require('node:crypto');
const { module, initialPages, maximumPages, maxOutputBytes, logLines, logLineBytes } = workerData;
const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages });
const maxBytes = maximumPages * 65536;
const decoder = new TextDecoder('utf-8', { fatal: false });
let logs = [];
class Abort extends Error {}
function bytesAt(ptr, len) {
  ptr = ptr >>> 0; len = len >>> 0;
  if (ptr + len > memory.buffer.byteLength) throw new Abort('pointer ' + ptr + '+' + len + ' is outside memory of ' + memory.buffer.byteLength + ' bytes');
  return new Uint8Array(memory.buffer, ptr, len);
}
const imports = {
  env: {
    memory,
    abort(msg, file, line, column) { throw new Abort('abort() called at line ' + line + ':' + column); },
  },
  spellbook: {
    clock_ms: () => performance.now(),
    time_ms: () => Date.now(),
    random_fill(ptr, len) { if ((len >>> 0) > 65536) throw new Abort('random_fill of over 65536 bytes'); getRandomValues(bytesAt(ptr, len)); },
    log(ptr, len) { if (logs.length < logLines) logs.push(decoder.decode(bytesAt(ptr, Math.min(len >>> 0, logLineBytes)))); },
  },
};
function fail(id, e) {
  const atMax = memory.buffer.byteLength >= maxBytes;
  parentPort.postMessage({ type: 'trap', id, message: String(e && e.message || e), memoryAtMax: atMax, memoryBytes: memory.buffer.byteLength, logs });
  logs = [];
}
let ex;
try {
  const instance = new WebAssembly.Instance(module, imports);
  ex = instance.exports;
  for (const name of ['input', 'process', 'output']) {
    if (typeof ex[name] !== 'function') { parentPort.postMessage({ type: 'missing-export', name }); ex = undefined; break; }
  }
  if (ex) { parentPort.postMessage({ type: 'ready', logs, memoryBytes: memory.buffer.byteLength }); logs = []; }
} catch (e) {
  fail(0, e);
}
parentPort.on('message', (m) => {
  if (!ex) return;
  try {
    const len = m.bytes.length;
    const ptr = ex.input(len);
    bytesAt(ptr, len).set(m.bytes);
    const n = ex.process(len, m.kind);
    if (n < 0) { parentPort.postMessage({ type: 'out', id: m.id, bytes: null, logs, memoryBytes: memory.buffer.byteLength }); logs = []; return; }
    if (n > maxOutputBytes) { parentPort.postMessage({ type: 'bad-output', id: m.id, message: 'output of ' + n + ' bytes is over ' + maxOutputBytes, logs }); logs = []; return; }
    let out;
    try { out = bytesAt(ex.output(), n).slice(); }
    catch (e) { parentPort.postMessage({ type: 'bad-output', id: m.id, message: String(e.message), logs }); logs = []; return; }
    parentPort.postMessage({ type: 'out', id: m.id, bytes: out, logs, memoryBytes: memory.buffer.byteLength }, [out.buffer]);
    logs = [];
  } catch (e) {
    fail(m.id, e);
  }
});
`;
