;; Example WasmNode (ABI v1, docs/sandbox.md): halves every float32 audio sample.
;; The memory is imported (the sandbox creates it with a maximum); frames are written at
;; 64 KiB and processed in place. Other kinds of frame give no output (-1).
(module
  (import "env" "memory" (memory 1))
  (global $base i32 (i32.const 65536))

  ;; input(len) -> pointer where the host writes len bytes; grows memory as needed.
  (func (export "input") (param $len i32) (result i32)
    (local $need i32)
    (local.set $need
      (i32.shr_u (i32.add (i32.add (global.get $base) (local.get $len)) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then unreachable))))
    (global.get $base))

  ;; process(len, kind) -> output length, or -1 for no output.
  (func (export "process") (param $len i32) (param $kind i32) (result i32)
    (local $p i32) (local $end i32)
    (if (i32.ne (local.get $kind) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $p (global.get $base))
    (local.set $end (i32.add (global.get $base) (i32.and (local.get $len) (i32.const -4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $p) (f32.mul (f32.load (local.get $p)) (f32.const 0.5)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (local.get $len))

  ;; output() -> pointer to the output bytes (in place).
  (func (export "output") (result i32) (global.get $base))
)
