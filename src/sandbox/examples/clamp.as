// Example WasmNode in AssemblyScript (ABI v1, docs/sandbox.md): clamps audio samples to
// [-0.25, 0.25]. Compiled by the `assemblyscript` npm package with --importMemory
// --runtime stub (src/sandbox/__fixtures__/wat.ts); the .wasm beside it is committed.
const BASE: usize = 65536;

export function input(len: i32): usize {
  const need = <i32>((BASE + <usize>len + 65535) >> 16);
  if (need > memory.size()) {
    if (memory.grow(need - memory.size()) < 0) unreachable();
  }
  return BASE;
}

export function process(len: i32, kind: i32): i32 {
  if (kind != 0) return -1;
  for (let p = BASE; p < BASE + <usize>(len & ~3); p += 4) {
    const v = load<f32>(p);
    if (v > 0.25) store<f32>(p, 0.25);
    else if (v < -0.25) store<f32>(p, -0.25);
  }
  return len;
}

export function output(): usize {
  return BASE;
}
