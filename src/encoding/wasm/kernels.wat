;; SIMD128 kernels of the H.264 encoder (src/encoding): the same arithmetic as the TypeScript
;; functions named beside each export, on the picture planes and per-thread scratch that
;; allocatePictureBuffers carves out of one imported memory. Addresses are byte offsets into
;; that memory. Assembled by scripts/assemble-wasm.mjs (wabt) into kernels-binary.ts; a test
;; checks the committed binary is this text's assembly, others that every export equals its
;; TypeScript reference.
(module
  (import "env" "memory" (memory 1 65536))

  ;; Four 4x4 residual blocks at once, one per i32x4 lane: lanes 0 and 1 are the 8 samples at
  ;; $sa (prediction $pa), lanes 2 and 3 those at $sb ($pb), rows $ss / $ps apart. Each lane as
  ;; residualQuant4x4 (transform.ts): residual, forward core transform (8.5.12 inverse's
  ;; forward counterpart), quantisation with rounding $f and shift $qbits, clamp to +/-$maxl;
  ;; a block whose SAD is at most $zb gets all levels 0 and nz 0 (the TS returns -1 and the
  ;; caller zeroes). $m0dc multiplies the DC (0 when the DC is coded apart: start 1). Lane k
  ;; writes levels to $lev + 64 * $bk, its count to $nz + 4 * $bk, the unquantised DC (the
  ;; residual sum) to $dc + 4 * $bk. Returns the lanes' summed non-zero counts.
  (func $quad (param $sa i32) (param $sb i32) (param $ss i32) (param $pa i32) (param $pb i32) (param $ps i32)
    (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $b3 i32) (param $lev i32) (param $nz i32) (param $dc i32)
    (param $m0dc i32) (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $f i32) (param $qbits i32) (param $zb i32) (param $maxl i32)
    (result i32)
    (local $r0 v128) (local $t0 v128) (local $c0 v128) (local $r1 v128) (local $t1 v128) (local $c1 v128) (local $r2 v128) (local $t2 v128) (local $c2 v128) (local $r3 v128) (local $t3 v128) (local $c3 v128) (local $r4 v128) (local $t4 v128) (local $c4 v128) (local $r5 v128) (local $t5 v128) (local $c5 v128) (local $r6 v128) (local $t6 v128) (local $c6 v128) (local $r7 v128) (local $t7 v128) (local $c7 v128) (local $r8 v128) (local $t8 v128) (local $c8 v128) (local $r9 v128) (local $t9 v128) (local $c9 v128) (local $r10 v128) (local $t10 v128) (local $c10 v128) (local $r11 v128) (local $t11 v128) (local $c11 v128) (local $r12 v128) (local $t12 v128) (local $c12 v128) (local $r13 v128) (local $t13 v128) (local $c13 v128) (local $r14 v128) (local $t14 v128) (local $c14 v128) (local $r15 v128) (local $t15 v128) (local $c15 v128) (local $da v128) (local $db v128) (local $sad v128) (local $mask v128) (local $vm0dc v128) (local $vm0 v128) (local $vm1 v128) (local $vm2 v128) (local $vf v128) (local $vmax v128) (local $l v128) (local $sg v128) (local $acc v128) (local $L0 v128) (local $L1 v128) (local $L2 v128) (local $L3 v128) (local $L4 v128) (local $L5 v128) (local $L6 v128) (local $L7 v128) (local $L8 v128) (local $L9 v128) (local $L10 v128) (local $L11 v128) (local $L12 v128) (local $L13 v128) (local $L14 v128) (local $L15 v128) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    ;; row 0: 16-bit residuals of the two block pairs, then sample x of each lane's block
    (local.set $da (i16x8.sub (v128.load8x8_u (local.get $sa)) (v128.load8x8_u (local.get $pa))))
    (local.set $db (i16x8.sub (v128.load8x8_u (local.get $sb)) (v128.load8x8_u (local.get $pb))))
    (local.set $r0 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r1 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r2 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r3 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    ;; row 1: 16-bit residuals of the two block pairs, then sample x of each lane's block
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 1)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 1))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 1)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 1))))))
    (local.set $r4 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r5 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r6 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r7 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    ;; row 2: 16-bit residuals of the two block pairs, then sample x of each lane's block
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 2)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 2))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 2)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 2))))))
    (local.set $r8 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r9 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r10 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r11 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    ;; row 3: 16-bit residuals of the two block pairs, then sample x of each lane's block
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 3)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 3))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 3)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 3))))))
    (local.set $r12 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r13 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r14 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r15 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    ;; SAD per block: at most $zb, every level is provably zero (zeroBlockSad)
    (local.set $mask (i32x4.le_s (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.add (i32x4.abs (local.get $r0)) (i32x4.abs (local.get $r1))) (i32x4.abs (local.get $r2))) (i32x4.abs (local.get $r3))) (i32x4.abs (local.get $r4))) (i32x4.abs (local.get $r5))) (i32x4.abs (local.get $r6))) (i32x4.abs (local.get $r7))) (i32x4.abs (local.get $r8))) (i32x4.abs (local.get $r9))) (i32x4.abs (local.get $r10))) (i32x4.abs (local.get $r11))) (i32x4.abs (local.get $r12))) (i32x4.abs (local.get $r13))) (i32x4.abs (local.get $r14))) (i32x4.abs (local.get $r15))) (i32x4.splat (local.get $zb))))
    ;; horizontal pass per row (t), then vertical per column (c)
    (local.set $x0 (i32x4.add (local.get $r0) (local.get $r3))) (local.set $x1 (i32x4.sub (local.get $r0) (local.get $r3))) (local.set $x2 (i32x4.add (local.get $r1) (local.get $r2))) (local.set $x3 (i32x4.sub (local.get $r1) (local.get $r2)))
    (local.set $t0 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $t1 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $t2 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $t3 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $r4) (local.get $r7))) (local.set $x1 (i32x4.sub (local.get $r4) (local.get $r7))) (local.set $x2 (i32x4.add (local.get $r5) (local.get $r6))) (local.set $x3 (i32x4.sub (local.get $r5) (local.get $r6)))
    (local.set $t4 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $t5 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $t6 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $t7 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $r8) (local.get $r11))) (local.set $x1 (i32x4.sub (local.get $r8) (local.get $r11))) (local.set $x2 (i32x4.add (local.get $r9) (local.get $r10))) (local.set $x3 (i32x4.sub (local.get $r9) (local.get $r10)))
    (local.set $t8 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $t9 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $t10 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $t11 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $r12) (local.get $r15))) (local.set $x1 (i32x4.sub (local.get $r12) (local.get $r15))) (local.set $x2 (i32x4.add (local.get $r13) (local.get $r14))) (local.set $x3 (i32x4.sub (local.get $r13) (local.get $r14)))
    (local.set $t12 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $t13 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $t14 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $t15 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $t0) (local.get $t12))) (local.set $x1 (i32x4.sub (local.get $t0) (local.get $t12))) (local.set $x2 (i32x4.add (local.get $t4) (local.get $t8))) (local.set $x3 (i32x4.sub (local.get $t4) (local.get $t8)))
    (local.set $c0 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $c4 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $c8 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $c12 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $t1) (local.get $t13))) (local.set $x1 (i32x4.sub (local.get $t1) (local.get $t13))) (local.set $x2 (i32x4.add (local.get $t5) (local.get $t9))) (local.set $x3 (i32x4.sub (local.get $t5) (local.get $t9)))
    (local.set $c1 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $c5 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $c9 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $c13 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $t2) (local.get $t14))) (local.set $x1 (i32x4.sub (local.get $t2) (local.get $t14))) (local.set $x2 (i32x4.add (local.get $t6) (local.get $t10))) (local.set $x3 (i32x4.sub (local.get $t6) (local.get $t10)))
    (local.set $c2 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $c6 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $c10 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $c14 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    (local.set $x0 (i32x4.add (local.get $t3) (local.get $t15))) (local.set $x1 (i32x4.sub (local.get $t3) (local.get $t15))) (local.set $x2 (i32x4.add (local.get $t7) (local.get $t11))) (local.set $x3 (i32x4.sub (local.get $t7) (local.get $t11)))
    (local.set $c3 (i32x4.add (local.get $x0) (local.get $x2)))
    (local.set $c7 (i32x4.add (i32x4.shl (local.get $x1) (i32.const 1)) (local.get $x3)))
    (local.set $c11 (i32x4.sub (local.get $x0) (local.get $x2)))
    (local.set $c15 (i32x4.sub (local.get $x1) (i32x4.shl (local.get $x3) (i32.const 1))))
    ;; DC out: the residual sum, which is c0
    (local.set $a0 (i32.add (local.get $dc) (i32.shl (local.get $b0) (i32.const 2))))
    (local.set $a1 (i32.add (local.get $dc) (i32.shl (local.get $b1) (i32.const 2))))
    (local.set $a2 (i32.add (local.get $dc) (i32.shl (local.get $b2) (i32.const 2))))
    (local.set $a3 (i32.add (local.get $dc) (i32.shl (local.get $b3) (i32.const 2))))
    (i32.store (local.get $a0) (i32x4.extract_lane 0 (local.get $c0)))
    (i32.store (local.get $a1) (i32x4.extract_lane 1 (local.get $c0)))
    (i32.store (local.get $a2) (i32x4.extract_lane 2 (local.get $c0)))
    (i32.store (local.get $a3) (i32x4.extract_lane 3 (local.get $c0)))
    ;; quantise: l = min((|c| * mf + f) >> qbits, maxl) with c's sign; zero in masked lanes
    (local.set $vm0dc (i32x4.splat (local.get $m0dc))) (local.set $vm0 (i32x4.splat (local.get $m0))) (local.set $vm1 (i32x4.splat (local.get $m1))) (local.set $vm2 (i32x4.splat (local.get $m2)))
    (local.set $vf (i32x4.splat (local.get $f))) (local.set $vmax (i32x4.splat (local.get $maxl)))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c0)) (local.get $vm0dc)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c0) (i32.const 31)))
    (local.set $L0 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L0) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c1)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c1) (i32.const 31)))
    (local.set $L1 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L1) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c2)) (local.get $vm0)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c2) (i32.const 31)))
    (local.set $L2 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L2) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c3)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c3) (i32.const 31)))
    (local.set $L3 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L3) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c4)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c4) (i32.const 31)))
    (local.set $L4 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L4) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c5)) (local.get $vm1)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c5) (i32.const 31)))
    (local.set $L5 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L5) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c6)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c6) (i32.const 31)))
    (local.set $L6 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L6) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c7)) (local.get $vm1)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c7) (i32.const 31)))
    (local.set $L7 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L7) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c8)) (local.get $vm0)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c8) (i32.const 31)))
    (local.set $L8 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L8) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c9)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c9) (i32.const 31)))
    (local.set $L9 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L9) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c10)) (local.get $vm0)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c10) (i32.const 31)))
    (local.set $L10 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L10) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c11)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c11) (i32.const 31)))
    (local.set $L11 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L11) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c12)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c12) (i32.const 31)))
    (local.set $L12 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L12) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c13)) (local.get $vm1)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c13) (i32.const 31)))
    (local.set $L13 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L13) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c14)) (local.get $vm2)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c14) (i32.const 31)))
    (local.set $L14 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L14) (v128.const i32x4 0 0 0 0))))
    (local.set $l (i32x4.min_s (i32x4.shr_s (i32x4.add (i32x4.mul (i32x4.abs (local.get $c15)) (local.get $vm1)) (local.get $vf)) (local.get $qbits)) (local.get $vmax)))
    (local.set $sg (i32x4.shr_s (local.get $c15) (i32.const 31)))
    (local.set $L15 (v128.andnot (i32x4.sub (v128.xor (local.get $l) (local.get $sg)) (local.get $sg)) (local.get $mask)))
    (local.set $acc (i32x4.sub (local.get $acc) (i32x4.ne (local.get $L15) (v128.const i32x4 0 0 0 0))))
    ;; levels: transpose each group of four coefficient vectors into the four blocks' rows
    (local.set $a0 (i32.add (local.get $lev) (i32.shl (local.get $b0) (i32.const 6))))
    (local.set $a1 (i32.add (local.get $lev) (i32.shl (local.get $b1) (i32.const 6))))
    (local.set $a2 (i32.add (local.get $lev) (i32.shl (local.get $b2) (i32.const 6))))
    (local.set $a3 (i32.add (local.get $lev) (i32.shl (local.get $b3) (i32.const 6))))
    (local.set $x0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L0) (local.get $L1))) (local.set $x1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L0) (local.get $L1)))
    (local.set $x2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L2) (local.get $L3))) (local.set $x3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L2) (local.get $L3)))
    (v128.store offset=0 (local.get $a0) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x0) (local.get $x2)))
    (v128.store offset=0 (local.get $a1) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x0) (local.get $x2)))
    (v128.store offset=0 (local.get $a2) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x1) (local.get $x3)))
    (v128.store offset=0 (local.get $a3) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x1) (local.get $x3)))
    (local.set $x0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L4) (local.get $L5))) (local.set $x1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L4) (local.get $L5)))
    (local.set $x2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L6) (local.get $L7))) (local.set $x3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L6) (local.get $L7)))
    (v128.store offset=16 (local.get $a0) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x0) (local.get $x2)))
    (v128.store offset=16 (local.get $a1) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x0) (local.get $x2)))
    (v128.store offset=16 (local.get $a2) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x1) (local.get $x3)))
    (v128.store offset=16 (local.get $a3) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x1) (local.get $x3)))
    (local.set $x0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L8) (local.get $L9))) (local.set $x1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L8) (local.get $L9)))
    (local.set $x2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L10) (local.get $L11))) (local.set $x3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L10) (local.get $L11)))
    (v128.store offset=32 (local.get $a0) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x0) (local.get $x2)))
    (v128.store offset=32 (local.get $a1) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x0) (local.get $x2)))
    (v128.store offset=32 (local.get $a2) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x1) (local.get $x3)))
    (v128.store offset=32 (local.get $a3) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x1) (local.get $x3)))
    (local.set $x0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L12) (local.get $L13))) (local.set $x1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L12) (local.get $L13)))
    (local.set $x2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $L14) (local.get $L15))) (local.set $x3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $L14) (local.get $L15)))
    (v128.store offset=48 (local.get $a0) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x0) (local.get $x2)))
    (v128.store offset=48 (local.get $a1) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x0) (local.get $x2)))
    (v128.store offset=48 (local.get $a2) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x1) (local.get $x3)))
    (v128.store offset=48 (local.get $a3) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x1) (local.get $x3)))
    ;; counts (0 in masked lanes: every level there is already 0)
    (i32.store (i32.add (local.get $nz) (i32.shl (local.get $b0) (i32.const 2))) (i32x4.extract_lane 0 (local.get $acc)))
    (i32.store (i32.add (local.get $nz) (i32.shl (local.get $b1) (i32.const 2))) (i32x4.extract_lane 1 (local.get $acc)))
    (i32.store (i32.add (local.get $nz) (i32.shl (local.get $b2) (i32.const 2))) (i32x4.extract_lane 2 (local.get $acc)))
    (i32.store (i32.add (local.get $nz) (i32.shl (local.get $b3) (i32.const 2))) (i32x4.extract_lane 3 (local.get $acc)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc))) (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))
  )

  ;; SATD of four 4x4 blocks, one per lane (satd4x4 in intra.ts: |4x4 Hadamard of the
  ;; residual| summed), the lanes laid out as in $quad. Returns the per-lane sums.
  (func $satdQuad (param $sa i32) (param $sb i32) (param $ss i32) (param $pa i32) (param $pb i32) (param $ps i32) (result v128)
    (local $r0 v128) (local $t0 v128) (local $r1 v128) (local $t1 v128) (local $r2 v128) (local $t2 v128) (local $r3 v128) (local $t3 v128) (local $r4 v128) (local $t4 v128) (local $r5 v128) (local $t5 v128) (local $r6 v128) (local $t6 v128) (local $r7 v128) (local $t7 v128) (local $r8 v128) (local $t8 v128) (local $r9 v128) (local $t9 v128) (local $r10 v128) (local $t10 v128) (local $r11 v128) (local $t11 v128) (local $r12 v128) (local $t12 v128) (local $r13 v128) (local $t13 v128) (local $r14 v128) (local $t14 v128) (local $r15 v128) (local $t15 v128) (local $da v128) (local $db v128) (local $a v128) (local $b v128) (local $c v128) (local $e v128) (local $acc v128)
    (local.set $da (i16x8.sub (v128.load8x8_u (local.get $sa)) (v128.load8x8_u (local.get $pa))))
    (local.set $db (i16x8.sub (v128.load8x8_u (local.get $sb)) (v128.load8x8_u (local.get $pb))))
    (local.set $r0 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r1 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r2 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r3 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 1)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 1))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 1)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 1))))))
    (local.set $r4 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r5 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r6 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r7 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 2)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 2))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 2)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 2))))))
    (local.set $r8 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r9 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r10 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r11 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $da (i16x8.sub (v128.load8x8_u (i32.add (local.get $sa) (i32.mul (local.get $ss) (i32.const 3)))) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 3))))))
    (local.set $db (i16x8.sub (v128.load8x8_u (i32.add (local.get $sb) (i32.mul (local.get $ss) (i32.const 3)))) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 3))))))
    (local.set $r12 (i32x4.extend_low_i16x8_s (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r13 (i32x4.extend_low_i16x8_s (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r14 (i32x4.extend_low_i16x8_s (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $r15 (i32x4.extend_low_i16x8_s (i8x16.shuffle 6 7 14 15 22 23 30 31 0 0 0 0 0 0 0 0 (local.get $da) (local.get $db))))
    (local.set $a (i32x4.add (local.get $r0) (local.get $r1))) (local.set $b (i32x4.sub (local.get $r0) (local.get $r1))) (local.set $c (i32x4.add (local.get $r2) (local.get $r3))) (local.set $e (i32x4.sub (local.get $r2) (local.get $r3)))
    (local.set $t0 (i32x4.add (local.get $a) (local.get $c))) (local.set $t1 (i32x4.sub (local.get $a) (local.get $c))) (local.set $t2 (i32x4.sub (local.get $b) (local.get $e))) (local.set $t3 (i32x4.add (local.get $b) (local.get $e)))
    (local.set $a (i32x4.add (local.get $r4) (local.get $r5))) (local.set $b (i32x4.sub (local.get $r4) (local.get $r5))) (local.set $c (i32x4.add (local.get $r6) (local.get $r7))) (local.set $e (i32x4.sub (local.get $r6) (local.get $r7)))
    (local.set $t4 (i32x4.add (local.get $a) (local.get $c))) (local.set $t5 (i32x4.sub (local.get $a) (local.get $c))) (local.set $t6 (i32x4.sub (local.get $b) (local.get $e))) (local.set $t7 (i32x4.add (local.get $b) (local.get $e)))
    (local.set $a (i32x4.add (local.get $r8) (local.get $r9))) (local.set $b (i32x4.sub (local.get $r8) (local.get $r9))) (local.set $c (i32x4.add (local.get $r10) (local.get $r11))) (local.set $e (i32x4.sub (local.get $r10) (local.get $r11)))
    (local.set $t8 (i32x4.add (local.get $a) (local.get $c))) (local.set $t9 (i32x4.sub (local.get $a) (local.get $c))) (local.set $t10 (i32x4.sub (local.get $b) (local.get $e))) (local.set $t11 (i32x4.add (local.get $b) (local.get $e)))
    (local.set $a (i32x4.add (local.get $r12) (local.get $r13))) (local.set $b (i32x4.sub (local.get $r12) (local.get $r13))) (local.set $c (i32x4.add (local.get $r14) (local.get $r15))) (local.set $e (i32x4.sub (local.get $r14) (local.get $r15)))
    (local.set $t12 (i32x4.add (local.get $a) (local.get $c))) (local.set $t13 (i32x4.sub (local.get $a) (local.get $c))) (local.set $t14 (i32x4.sub (local.get $b) (local.get $e))) (local.set $t15 (i32x4.add (local.get $b) (local.get $e)))
    (local.set $a (i32x4.add (local.get $t0) (local.get $t4))) (local.set $b (i32x4.sub (local.get $t0) (local.get $t4))) (local.set $c (i32x4.add (local.get $t8) (local.get $t12))) (local.set $e (i32x4.sub (local.get $t8) (local.get $t12)))
    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (i32x4.add (i32x4.abs (i32x4.add (local.get $a) (local.get $c))) (i32x4.abs (i32x4.sub (local.get $a) (local.get $c)))) (i32x4.add (i32x4.abs (i32x4.sub (local.get $b) (local.get $e))) (i32x4.abs (i32x4.add (local.get $b) (local.get $e)))))))
    (local.set $a (i32x4.add (local.get $t1) (local.get $t5))) (local.set $b (i32x4.sub (local.get $t1) (local.get $t5))) (local.set $c (i32x4.add (local.get $t9) (local.get $t13))) (local.set $e (i32x4.sub (local.get $t9) (local.get $t13)))
    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (i32x4.add (i32x4.abs (i32x4.add (local.get $a) (local.get $c))) (i32x4.abs (i32x4.sub (local.get $a) (local.get $c)))) (i32x4.add (i32x4.abs (i32x4.sub (local.get $b) (local.get $e))) (i32x4.abs (i32x4.add (local.get $b) (local.get $e)))))))
    (local.set $a (i32x4.add (local.get $t2) (local.get $t6))) (local.set $b (i32x4.sub (local.get $t2) (local.get $t6))) (local.set $c (i32x4.add (local.get $t10) (local.get $t14))) (local.set $e (i32x4.sub (local.get $t10) (local.get $t14)))
    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (i32x4.add (i32x4.abs (i32x4.add (local.get $a) (local.get $c))) (i32x4.abs (i32x4.sub (local.get $a) (local.get $c)))) (i32x4.add (i32x4.abs (i32x4.sub (local.get $b) (local.get $e))) (i32x4.abs (i32x4.add (local.get $b) (local.get $e)))))))
    (local.set $a (i32x4.add (local.get $t3) (local.get $t7))) (local.set $b (i32x4.sub (local.get $t3) (local.get $t7))) (local.set $c (i32x4.add (local.get $t11) (local.get $t15))) (local.set $e (i32x4.sub (local.get $t11) (local.get $t15)))
    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (i32x4.add (i32x4.abs (i32x4.add (local.get $a) (local.get $c))) (i32x4.abs (i32x4.sub (local.get $a) (local.get $c)))) (i32x4.add (i32x4.abs (i32x4.sub (local.get $b) (local.get $e))) (i32x4.abs (i32x4.add (local.get $b) (local.get $e)))))))
    (local.get $acc))

  ;; satd (intra.ts) of a 16x16 block against a prediction of stride $ps: the 16 blocks' sum, halved.
  (func (export "satd16") (param $src i32) (param $ss i32) (param $pred i32) (param $ps i32) (result i32)
    (local $acc v128) (local $by i32) (local $s i32) (local $p i32)
    (loop $rows
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.shl (local.get $by) (i32.const 2)))))
      (local.set $p (i32.add (local.get $pred) (i32.mul (local.get $ps) (i32.shl (local.get $by) (i32.const 2)))))
      (local.set $acc (i32x4.add (local.get $acc) (call $satdQuad (local.get $s) (i32.add (local.get $s) (i32.const 8)) (local.get $ss)
        (local.get $p) (i32.add (local.get $p) (i32.const 8)) (local.get $ps))))
      (br_if $rows (i32.lt_u (local.tee $by (i32.add (local.get $by) (i32.const 1))) (i32.const 4))))
    (i32.shr_u (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))) (i32.const 1)))

  ;; bestChromaMode's cost: satd of the 8x8 U block plus satd of the 8x8 V block (each halved
  ;; on its own, as two satd calls), raster 8x8 predictions.
  (func (export "satdChroma") (param $srcU i32) (param $srcV i32) (param $ss i32) (param $predU i32) (param $predV i32) (result i32)
    (local $acc v128) (local $o i32)
    (local.set $o (i32.shl (local.get $ss) (i32.const 2)))
    (local.set $acc (i32x4.add
      (call $satdQuad (local.get $srcU) (local.get $srcV) (local.get $ss) (local.get $predU) (local.get $predV) (i32.const 8))
      (call $satdQuad (i32.add (local.get $srcU) (local.get $o)) (i32.add (local.get $srcV) (local.get $o)) (local.get $ss)
        (i32.add (local.get $predU) (i32.const 32)) (i32.add (local.get $predV) (i32.const 32)) (i32.const 8))))
    (i32.add
      (i32.shr_u (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc))) (i32.const 1))
      (i32.shr_u (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))) (i32.const 1))))

  ;; transformLuma's 16 calls of residualQuant4x4 (slice-coder.ts): the macroblock at $src
  ;; (stride $ss) against the raster 16x16 prediction $pred; block b (raster) writes its 16
  ;; levels at $lev + 64 b, its count at $nz + 4 b and its DC at $dc + 4 b. $start 1 leaves the
  ;; DCs to the Intra16x16 DC transform. Returns the summed counts.
  (func (export "lumaResidual") (param $src i32) (param $ss i32) (param $pred i32) (param $lev i32) (param $nz i32) (param $dc i32)
    (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $f i32) (param $qbits i32) (param $start i32) (param $zb i32) (param $maxl i32)
    (result i32)
    (local $m0dc i32) (local $by i32) (local $s i32) (local $total i32)
    (local.set $m0dc (select (i32.const 0) (local.get $m0) (local.get $start)))
    (loop $rows
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.shl (local.get $by) (i32.const 2)))))
      (local.set $total (i32.add (local.get $total)
        (call $quad (local.get $s) (i32.add (local.get $s) (i32.const 8)) (local.get $ss)
          (i32.add (local.get $pred) (i32.shl (local.get $by) (i32.const 6))) (i32.add (local.get $pred) (i32.add (i32.shl (local.get $by) (i32.const 6)) (i32.const 8))) (i32.const 16)
          (i32.shl (local.get $by) (i32.const 2)) (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 1))
          (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 2)) (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 3))
          (local.get $lev) (local.get $nz) (local.get $dc)
          (local.get $m0dc) (local.get $m0) (local.get $m1) (local.get $m2) (local.get $f) (local.get $qbits) (local.get $zb) (local.get $maxl))))
      (br_if $rows (i32.lt_u (local.tee $by (i32.add (local.get $by) (i32.const 1))) (i32.const 4))))
    (local.get $total))

  ;; transformChroma's 8 calls of residualQuant4x4 (start 1): the 8x8 blocks at $srcU and
  ;; $srcV (stride $ss) against raster 8x8 predictions $predU, $predV; block k = 4 c + b
  ;; (b raster within the component) writes levels at $lev + 64 k, count at $nz + 4 k, DC at
  ;; $dc + 4 k. Returns the summed counts.
  (func (export "chromaResidual") (param $srcU i32) (param $srcV i32) (param $ss i32) (param $predU i32) (param $predV i32)
    (param $lev i32) (param $nz i32) (param $dc i32)
    (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $f i32) (param $qbits i32) (param $zb i32) (param $maxl i32)
    (result i32)
    (local $o i32)
    (local.set $o (i32.shl (local.get $ss) (i32.const 2)))
    (i32.add
      (call $quad (local.get $srcU) (local.get $srcV) (local.get $ss) (local.get $predU) (local.get $predV) (i32.const 8)
        (i32.const 0) (i32.const 1) (i32.const 4) (i32.const 5) (local.get $lev) (local.get $nz) (local.get $dc)
        (i32.const 0) (local.get $m0) (local.get $m1) (local.get $m2) (local.get $f) (local.get $qbits) (local.get $zb) (local.get $maxl))
      (call $quad (i32.add (local.get $srcU) (local.get $o)) (i32.add (local.get $srcV) (local.get $o)) (local.get $ss)
        (i32.add (local.get $predU) (i32.const 32)) (i32.add (local.get $predV) (i32.const 32)) (i32.const 8)
        (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 7) (local.get $lev) (local.get $nz) (local.get $dc)
        (i32.const 0) (local.get $m0) (local.get $m1) (local.get $m2) (local.get $f) (local.get $qbits) (local.get $zb) (local.get $maxl))))

  ;; sad16 (motion.ts): the 16x16 SAD of $a (stride $as) against $b (stride $bs), giving up
  ;; after 8 rows when it has reached $limit (then returning that partial sum, at least the
  ;; limit; below the limit the full SAD, as sad16). |a - b| per byte as two saturating
  ;; subtractions or-ed; 16-bit sums.
  (func (export "sad16") (param $a i32) (param $as i32) (param $b i32) (param $bs i32) (param $limit i32) (result i32)
    (local $va v128) (local $vb v128) (local $acc v128) (local $h v128) (local $part i32)
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $h (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
    (local.set $part (i32.add (i32.add (i32x4.extract_lane 0 (local.get $h)) (i32x4.extract_lane 1 (local.get $h)))
      (i32.add (i32x4.extract_lane 2 (local.get $h)) (i32x4.extract_lane 3 (local.get $h)))))
    (if (i32.ge_u (local.get $part) (local.get $limit)) (then (return (local.get $part))))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $a (i32.add (local.get $a) (local.get $as))) (local.set $b (i32.add (local.get $b) (local.get $bs)))
    (local.set $va (v128.load (local.get $a))) (local.set $vb (v128.load (local.get $b)))
    (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $va) (local.get $vb)) (i8x16.sub_sat_u (local.get $vb) (local.get $va))))))
    (local.set $acc (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; Four 4x4 blocks reconstructed at once, one per i32x4 lane, as dequantAdd4x4 (transform.ts):
  ;; levels of block $bk at $lev + 64 $bk scaled (8.5.12.1: ((l x scale + $rnd) << $shl) >> $shr,
  ;; scales $ls0 / $ls1 / $ls2 by position class), the DC taken from $dc + 4 $bk instead when
  ;; $useDc, the inverse core transform (8.5.12.2), (x + 32) >> 6, added to the prediction and
  ;; clipped (saturating narrowings: the same clip). Lanes 0 and 1 read prediction rows at
  ;; $pa and write at $oa, lanes 2 and 3 $pb and $ob; rows $ps / $os apart.
  (func $iquad (param $lev i32) (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $b3 i32) (param $dc i32) (param $useDc i32)
    (param $ls0 i32) (param $ls1 i32) (param $ls2 i32) (param $shl i32) (param $shr i32) (param $rnd i32)
    (param $pa i32) (param $pb i32) (param $ps i32) (param $oa i32) (param $ob i32) (param $os i32)
    (local $D0 v128) (local $H0 v128) (local $D1 v128) (local $H1 v128) (local $D2 v128) (local $H2 v128) (local $D3 v128) (local $H3 v128) (local $D4 v128) (local $H4 v128) (local $D5 v128) (local $H5 v128) (local $D6 v128) (local $H6 v128) (local $D7 v128) (local $H7 v128) (local $D8 v128) (local $H8 v128) (local $D9 v128) (local $H9 v128) (local $D10 v128) (local $H10 v128) (local $D11 v128) (local $H11 v128) (local $D12 v128) (local $H12 v128) (local $D13 v128) (local $H13 v128) (local $D14 v128) (local $H14 v128) (local $D15 v128) (local $H15 v128) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128) (local $vls0 v128) (local $vls1 v128) (local $vls2 v128) (local $vrnd v128) (local $P v128) (local $Q v128) (local $A v128) (local $B v128)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local.set $a0 (i32.add (local.get $lev) (i32.shl (local.get $b0) (i32.const 6))))
    (local.set $a1 (i32.add (local.get $lev) (i32.shl (local.get $b1) (i32.const 6))))
    (local.set $a2 (i32.add (local.get $lev) (i32.shl (local.get $b2) (i32.const 6))))
    (local.set $a3 (i32.add (local.get $lev) (i32.shl (local.get $b3) (i32.const 6))))
    (local.set $vls0 (i32x4.splat (local.get $ls0))) (local.set $vls1 (i32x4.splat (local.get $ls1))) (local.set $vls2 (i32x4.splat (local.get $ls2))) (local.set $vrnd (i32x4.splat (local.get $rnd)))
    ;; levels 0-3 of the four blocks, transposed to one vector per level, scaled
    (local.set $x0 (v128.load offset=0 (local.get $a0)))
    (local.set $x1 (v128.load offset=0 (local.get $a1)))
    (local.set $x2 (v128.load offset=0 (local.get $a2)))
    (local.set $x3 (v128.load offset=0 (local.get $a3)))
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))) (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3))) (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (local.set $D0 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)) (local.get $vls0)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D1 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D2 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)) (local.get $vls0)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D3 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    ;; levels 4-7 of the four blocks, transposed to one vector per level, scaled
    (local.set $x0 (v128.load offset=16 (local.get $a0)))
    (local.set $x1 (v128.load offset=16 (local.get $a1)))
    (local.set $x2 (v128.load offset=16 (local.get $a2)))
    (local.set $x3 (v128.load offset=16 (local.get $a3)))
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))) (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3))) (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (local.set $D4 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D5 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)) (local.get $vls1)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D6 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D7 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)) (local.get $vls1)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    ;; levels 8-11 of the four blocks, transposed to one vector per level, scaled
    (local.set $x0 (v128.load offset=32 (local.get $a0)))
    (local.set $x1 (v128.load offset=32 (local.get $a1)))
    (local.set $x2 (v128.load offset=32 (local.get $a2)))
    (local.set $x3 (v128.load offset=32 (local.get $a3)))
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))) (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3))) (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (local.set $D8 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)) (local.get $vls0)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D9 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D10 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)) (local.get $vls0)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D11 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    ;; levels 12-15 of the four blocks, transposed to one vector per level, scaled
    (local.set $x0 (v128.load offset=48 (local.get $a0)))
    (local.set $x1 (v128.load offset=48 (local.get $a1)))
    (local.set $x2 (v128.load offset=48 (local.get $a2)))
    (local.set $x3 (v128.load offset=48 (local.get $a3)))
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))) (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3))) (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (local.set $D12 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D13 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)) (local.get $vls1)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D14 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)) (local.get $vls2)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (local.set $D15 (i32x4.shr_s (i32x4.shl (i32x4.add (i32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)) (local.get $vls1)) (local.get $vrnd)) (local.get $shl)) (local.get $shr)))
    (if (local.get $useDc) (then
      (local.set $D0 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat
        (i32.load (i32.add (local.get $dc) (i32.shl (local.get $b0) (i32.const 2)))))
        (i32.load (i32.add (local.get $dc) (i32.shl (local.get $b1) (i32.const 2)))))
        (i32.load (i32.add (local.get $dc) (i32.shl (local.get $b2) (i32.const 2)))))
        (i32.load (i32.add (local.get $dc) (i32.shl (local.get $b3) (i32.const 2))))))))
    ;; rows, then columns (8.5.12.2)
    (local.set $x0 (i32x4.add (local.get $D0) (local.get $D2))) (local.set $x1 (i32x4.sub (local.get $D0) (local.get $D2))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $D1) (i32.const 1)) (local.get $D3))) (local.set $x3 (i32x4.add (local.get $D1) (i32x4.shr_s (local.get $D3) (i32.const 1))))
    (local.set $H0 (i32x4.add (local.get $x0) (local.get $x3))) (local.set $H1 (i32x4.add (local.get $x1) (local.get $x2))) (local.set $H2 (i32x4.sub (local.get $x1) (local.get $x2))) (local.set $H3 (i32x4.sub (local.get $x0) (local.get $x3)))
    (local.set $x0 (i32x4.add (local.get $D4) (local.get $D6))) (local.set $x1 (i32x4.sub (local.get $D4) (local.get $D6))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $D5) (i32.const 1)) (local.get $D7))) (local.set $x3 (i32x4.add (local.get $D5) (i32x4.shr_s (local.get $D7) (i32.const 1))))
    (local.set $H4 (i32x4.add (local.get $x0) (local.get $x3))) (local.set $H5 (i32x4.add (local.get $x1) (local.get $x2))) (local.set $H6 (i32x4.sub (local.get $x1) (local.get $x2))) (local.set $H7 (i32x4.sub (local.get $x0) (local.get $x3)))
    (local.set $x0 (i32x4.add (local.get $D8) (local.get $D10))) (local.set $x1 (i32x4.sub (local.get $D8) (local.get $D10))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $D9) (i32.const 1)) (local.get $D11))) (local.set $x3 (i32x4.add (local.get $D9) (i32x4.shr_s (local.get $D11) (i32.const 1))))
    (local.set $H8 (i32x4.add (local.get $x0) (local.get $x3))) (local.set $H9 (i32x4.add (local.get $x1) (local.get $x2))) (local.set $H10 (i32x4.sub (local.get $x1) (local.get $x2))) (local.set $H11 (i32x4.sub (local.get $x0) (local.get $x3)))
    (local.set $x0 (i32x4.add (local.get $D12) (local.get $D14))) (local.set $x1 (i32x4.sub (local.get $D12) (local.get $D14))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $D13) (i32.const 1)) (local.get $D15))) (local.set $x3 (i32x4.add (local.get $D13) (i32x4.shr_s (local.get $D15) (i32.const 1))))
    (local.set $H12 (i32x4.add (local.get $x0) (local.get $x3))) (local.set $H13 (i32x4.add (local.get $x1) (local.get $x2))) (local.set $H14 (i32x4.sub (local.get $x1) (local.get $x2))) (local.set $H15 (i32x4.sub (local.get $x0) (local.get $x3)))
    (local.set $x0 (i32x4.add (local.get $H0) (local.get $H8))) (local.set $x1 (i32x4.sub (local.get $H0) (local.get $H8))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $H4) (i32.const 1)) (local.get $H12))) (local.set $x3 (i32x4.add (local.get $H4) (i32x4.shr_s (local.get $H12) (i32.const 1))))
    (local.set $D0 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D4 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D8 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D12 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6)))
    (local.set $x0 (i32x4.add (local.get $H1) (local.get $H9))) (local.set $x1 (i32x4.sub (local.get $H1) (local.get $H9))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $H5) (i32.const 1)) (local.get $H13))) (local.set $x3 (i32x4.add (local.get $H5) (i32x4.shr_s (local.get $H13) (i32.const 1))))
    (local.set $D1 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D5 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D9 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D13 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6)))
    (local.set $x0 (i32x4.add (local.get $H2) (local.get $H10))) (local.set $x1 (i32x4.sub (local.get $H2) (local.get $H10))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $H6) (i32.const 1)) (local.get $H14))) (local.set $x3 (i32x4.add (local.get $H6) (i32x4.shr_s (local.get $H14) (i32.const 1))))
    (local.set $D2 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D6 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D10 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D14 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6)))
    (local.set $x0 (i32x4.add (local.get $H3) (local.get $H11))) (local.set $x1 (i32x4.sub (local.get $H3) (local.get $H11))) (local.set $x2 (i32x4.sub (i32x4.shr_s (local.get $H7) (i32.const 1)) (local.get $H15))) (local.set $x3 (i32x4.add (local.get $H7) (i32x4.shr_s (local.get $H15) (i32.const 1))))
    (local.set $D3 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D7 (i32x4.shr_s (i32x4.add (i32x4.add (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D11 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x1) (local.get $x2)) (v128.const i32x4 32 32 32 32)) (i32.const 6))) (local.set $D15 (i32x4.shr_s (i32x4.add (i32x4.sub (local.get $x0) (local.get $x3)) (v128.const i32x4 32 32 32 32)) (i32.const 6)))
    ;; row 0: back to the two block pairs' sample order, plus the prediction, clipped
    (local.set $P (i16x8.narrow_i32x4_s (local.get $D0) (local.get $D1))) (local.set $Q (i16x8.narrow_i32x4_s (local.get $D2) (local.get $D3)))
    (local.set $A (i8x16.shuffle 0 1 8 9 16 17 24 25 2 3 10 11 18 19 26 27 (local.get $P) (local.get $Q))) (local.set $B (i8x16.shuffle 4 5 12 13 20 21 28 29 6 7 14 15 22 23 30 31 (local.get $P) (local.get $Q)))
    (local.set $P (i8x16.narrow_i16x8_u (i16x8.add_sat_s (local.get $A) (v128.load8x8_u (local.get $pa))) (i16x8.add_sat_s (local.get $B) (v128.load8x8_u (local.get $pb)))))
    (v128.store64_lane 0 (local.get $oa) (local.get $P)) (v128.store64_lane 1 (local.get $ob) (local.get $P))
    ;; row 1: back to the two block pairs' sample order, plus the prediction, clipped
    (local.set $P (i16x8.narrow_i32x4_s (local.get $D4) (local.get $D5))) (local.set $Q (i16x8.narrow_i32x4_s (local.get $D6) (local.get $D7)))
    (local.set $A (i8x16.shuffle 0 1 8 9 16 17 24 25 2 3 10 11 18 19 26 27 (local.get $P) (local.get $Q))) (local.set $B (i8x16.shuffle 4 5 12 13 20 21 28 29 6 7 14 15 22 23 30 31 (local.get $P) (local.get $Q)))
    (local.set $P (i8x16.narrow_i16x8_u (i16x8.add_sat_s (local.get $A) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 1))))) (i16x8.add_sat_s (local.get $B) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 1)))))))
    (v128.store64_lane 0 (i32.add (local.get $oa) (i32.mul (local.get $os) (i32.const 1))) (local.get $P)) (v128.store64_lane 1 (i32.add (local.get $ob) (i32.mul (local.get $os) (i32.const 1))) (local.get $P))
    ;; row 2: back to the two block pairs' sample order, plus the prediction, clipped
    (local.set $P (i16x8.narrow_i32x4_s (local.get $D8) (local.get $D9))) (local.set $Q (i16x8.narrow_i32x4_s (local.get $D10) (local.get $D11)))
    (local.set $A (i8x16.shuffle 0 1 8 9 16 17 24 25 2 3 10 11 18 19 26 27 (local.get $P) (local.get $Q))) (local.set $B (i8x16.shuffle 4 5 12 13 20 21 28 29 6 7 14 15 22 23 30 31 (local.get $P) (local.get $Q)))
    (local.set $P (i8x16.narrow_i16x8_u (i16x8.add_sat_s (local.get $A) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 2))))) (i16x8.add_sat_s (local.get $B) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 2)))))))
    (v128.store64_lane 0 (i32.add (local.get $oa) (i32.mul (local.get $os) (i32.const 2))) (local.get $P)) (v128.store64_lane 1 (i32.add (local.get $ob) (i32.mul (local.get $os) (i32.const 2))) (local.get $P))
    ;; row 3: back to the two block pairs' sample order, plus the prediction, clipped
    (local.set $P (i16x8.narrow_i32x4_s (local.get $D12) (local.get $D13))) (local.set $Q (i16x8.narrow_i32x4_s (local.get $D14) (local.get $D15)))
    (local.set $A (i8x16.shuffle 0 1 8 9 16 17 24 25 2 3 10 11 18 19 26 27 (local.get $P) (local.get $Q))) (local.set $B (i8x16.shuffle 4 5 12 13 20 21 28 29 6 7 14 15 22 23 30 31 (local.get $P) (local.get $Q)))
    (local.set $P (i8x16.narrow_i16x8_u (i16x8.add_sat_s (local.get $A) (v128.load8x8_u (i32.add (local.get $pa) (i32.mul (local.get $ps) (i32.const 3))))) (i16x8.add_sat_s (local.get $B) (v128.load8x8_u (i32.add (local.get $pb) (i32.mul (local.get $ps) (i32.const 3)))))))
    (v128.store64_lane 0 (i32.add (local.get $oa) (i32.mul (local.get $os) (i32.const 3))) (local.get $P)) (v128.store64_lane 1 (i32.add (local.get $ob) (i32.mul (local.get $os) (i32.const 3))) (local.get $P))
  )

  ;; reconLumaIntra16 / reconLumaInter (slice-coder.ts) in one call: every block through
  ;; $iquad (a block with no levels is its prediction, or its prediction plus the DC term:
  ;; dequantAdd4x4 gives the same as the copy and addDc there). $pred raster 16x16; $out
  ;; stride $os; DCs (when $useDc) at $dc + 4 b.
  (func (export "reconLuma") (param $lev i32) (param $dc i32) (param $useDc i32) (param $ls0 i32) (param $ls1 i32) (param $ls2 i32) (param $shl i32) (param $shr i32) (param $rnd i32)
    (param $pred i32) (param $out i32) (param $os i32)
    (local $by i32) (local $p i32) (local $o i32)
    (loop $rows
      (local.set $p (i32.add (local.get $pred) (i32.shl (local.get $by) (i32.const 6))))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $os) (i32.shl (local.get $by) (i32.const 2)))))
      (call $iquad (local.get $lev) (i32.shl (local.get $by) (i32.const 2)) (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 1))
        (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 2)) (i32.add (i32.shl (local.get $by) (i32.const 2)) (i32.const 3))
        (local.get $dc) (local.get $useDc) (local.get $ls0) (local.get $ls1) (local.get $ls2) (local.get $shl) (local.get $shr) (local.get $rnd)
        (local.get $p) (i32.add (local.get $p) (i32.const 8)) (i32.const 16) (local.get $o) (i32.add (local.get $o) (i32.const 8)) (local.get $os))
      (br_if $rows (i32.lt_u (local.tee $by (i32.add (local.get $by) (i32.const 1))) (i32.const 4)))))

  ;; reconChroma in one call for both components: blocks k = 4 c + b with the scaled DC at
  ;; $dc + 4 k; raster 8x8 predictions; outputs stride $os.
  (func (export "reconChroma") (param $lev i32) (param $dc i32) (param $ls0 i32) (param $ls1 i32) (param $ls2 i32) (param $shl i32) (param $shr i32) (param $rnd i32)
    (param $predU i32) (param $predV i32) (param $outU i32) (param $outV i32) (param $os i32)
    (local $o i32)
    (call $iquad (local.get $lev) (i32.const 0) (i32.const 1) (i32.const 4) (i32.const 5) (local.get $dc) (i32.const 1)
      (local.get $ls0) (local.get $ls1) (local.get $ls2) (local.get $shl) (local.get $shr) (local.get $rnd)
      (local.get $predU) (local.get $predV) (i32.const 8) (local.get $outU) (local.get $outV) (local.get $os))
    (local.set $o (i32.shl (local.get $os) (i32.const 2)))
    (call $iquad (local.get $lev) (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 7) (local.get $dc) (i32.const 1)
      (local.get $ls0) (local.get $ls1) (local.get $ls2) (local.get $shl) (local.get $shr) (local.get $rnd)
      (i32.add (local.get $predU) (i32.const 32)) (i32.add (local.get $predV) (i32.const 32)) (i32.const 8)
      (i32.add (local.get $outU) (local.get $o)) (i32.add (local.get $outV) (local.get $o)) (local.get $os)))


  ;; The 6-tap sum (1, -5, 20, 20, -5, 1) of six 16-bit vectors (8.4.2.2.1 b1 / h1): fits 16 bits
  ;; for 8-bit samples (-2550..10710).
  (func $tap6 (param $m2 v128) (param $m1 v128) (param $c0 v128) (param $c1 v128) (param $p2 v128) (param $p3 v128) (result v128)
    (i16x8.add
      (i16x8.sub (i16x8.mul (i16x8.add (local.get $c0) (local.get $c1)) (v128.const i16x8 20 20 20 20 20 20 20 20))
        (i16x8.mul (i16x8.add (local.get $m1) (local.get $p2)) (v128.const i16x8 5 5 5 5 5 5 5 5)))
      (i16x8.add (local.get $m2) (local.get $p3))))

  ;; The same sum in 32 bits (j1 from b1 values).
  (func $tap6w (param $m2 v128) (param $m1 v128) (param $c0 v128) (param $c1 v128) (param $p2 v128) (param $p3 v128) (result v128)
    (i32x4.add
      (i32x4.sub (i32x4.mul (i32x4.add (local.get $c0) (local.get $c1)) (v128.const i32x4 20 20 20 20))
        (i32x4.mul (i32x4.add (local.get $m1) (local.get $p2)) (v128.const i32x4 5 5 5 5)))
      (i32x4.add (local.get $m2) (local.get $p3))))

  ;; b1 of 16 samples from $src - 2 .. $src + 18 of one row, as two i16x8 (columns 0-7, 8-15).
  (func $rowB1 (param $src i32) (result v128 v128)
    (local $m2 v128) (local $m1 v128) (local $c0 v128) (local $c1 v128) (local $p2 v128) (local $p3 v128)
    (local.set $m2 (v128.load (i32.sub (local.get $src) (i32.const 2))))
    (local.set $m1 (v128.load (i32.sub (local.get $src) (i32.const 1))))
    (local.set $c0 (v128.load (local.get $src)))
    (local.set $c1 (v128.load offset=1 (local.get $src)))
    (local.set $p2 (v128.load offset=2 (local.get $src)))
    (local.set $p3 (v128.load offset=3 (local.get $src)))
    (call $tap6 (i16x8.extend_low_i8x16_u (local.get $m2)) (i16x8.extend_low_i8x16_u (local.get $m1)) (i16x8.extend_low_i8x16_u (local.get $c0))
      (i16x8.extend_low_i8x16_u (local.get $c1)) (i16x8.extend_low_i8x16_u (local.get $p2)) (i16x8.extend_low_i8x16_u (local.get $p3)))
    (call $tap6 (i16x8.extend_high_i8x16_u (local.get $m2)) (i16x8.extend_high_i8x16_u (local.get $m1)) (i16x8.extend_high_i8x16_u (local.get $c0))
      (i16x8.extend_high_i8x16_u (local.get $c1)) (i16x8.extend_high_i8x16_u (local.get $p2)) (i16x8.extend_high_i8x16_u (local.get $p3))))

  ;; Round, shift and clip two 16-bit vectors of 6-tap sums to 16 samples: Clip1((x + 16) >> 5).
  (func $round5 (param $lo v128) (param $hi v128) (result v128)
    (i8x16.narrow_i16x8_u
      (i16x8.shr_s (i16x8.add (local.get $lo) (v128.const i16x8 16 16 16 16 16 16 16 16)) (i32.const 5))
      (i16x8.shr_s (i16x8.add (local.get $hi) (v128.const i16x8 16 16 16 16 16 16 16 16)) (i32.const 5))))

  ;; $rows rows of 16 integer samples G from $src (stride $s) to $dst (stride $ds).
  (func $planeG (param $src i32) (param $s i32) (param $rows i32) (param $dst i32) (param $ds i32)
    (loop $row
      (v128.store (local.get $dst) (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $s)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; Horizontal half samples b (between each sample and the next to its right).
  (func $planeB (param $src i32) (param $s i32) (param $rows i32) (param $dst i32) (param $ds i32)
    (loop $row
      (v128.store (local.get $dst) (call $round5 (call $rowB1 (local.get $src))))
      (local.set $src (i32.add (local.get $src) (local.get $s)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; Vertical half samples h (between each sample and the one below).
  (func $planeH (param $src i32) (param $s i32) (param $rows i32) (param $dst i32) (param $ds i32)
    (local $m2 v128) (local $m1 v128) (local $c0 v128) (local $c1 v128) (local $p2 v128) (local $p3 v128)
    (loop $row
      (local.set $m2 (v128.load (i32.sub (local.get $src) (i32.shl (local.get $s) (i32.const 1)))))
      (local.set $m1 (v128.load (i32.sub (local.get $src) (local.get $s))))
      (local.set $c0 (v128.load (local.get $src)))
      (local.set $c1 (v128.load (i32.add (local.get $src) (local.get $s))))
      (local.set $p2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $s) (i32.const 1)))))
      (local.set $p3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $s) (i32.const 3)))))
      (v128.store (local.get $dst) (call $round5
        (call $tap6 (i16x8.extend_low_i8x16_u (local.get $m2)) (i16x8.extend_low_i8x16_u (local.get $m1)) (i16x8.extend_low_i8x16_u (local.get $c0))
          (i16x8.extend_low_i8x16_u (local.get $c1)) (i16x8.extend_low_i8x16_u (local.get $p2)) (i16x8.extend_low_i8x16_u (local.get $p3)))
        (call $tap6 (i16x8.extend_high_i8x16_u (local.get $m2)) (i16x8.extend_high_i8x16_u (local.get $m1)) (i16x8.extend_high_i8x16_u (local.get $c0))
          (i16x8.extend_high_i8x16_u (local.get $c1)) (i16x8.extend_high_i8x16_u (local.get $p2)) (i16x8.extend_high_i8x16_u (local.get $p3)))))
      (local.set $src (i32.add (local.get $src) (local.get $s)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; Centre half samples j: b1 of rows -2 .. $rows + 2 into $tmp (32 bytes a row), then the
  ;; 6-tap filter down them in 32 bits, Clip1((j1 + 512) >> 10).
  (func $planeJ (param $src i32) (param $s i32) (param $rows i32) (param $dst i32) (param $ds i32) (param $tmp i32)
    (local $n i32) (local $t i32) (local $q i32) (local $lo v128) (local $hi v128) (local $r0 v128) (local $r1 v128)
    (local.set $q (i32.sub (local.get $src) (i32.shl (local.get $s) (i32.const 1))))
    (local.set $t (local.get $tmp))
    (local.set $n (i32.add (local.get $rows) (i32.const 5)))
    (loop $b1
      (call $rowB1 (local.get $q))
      (local.set $hi) (local.set $lo)
      (v128.store (local.get $t) (local.get $lo))
      (v128.store offset=16 (local.get $t) (local.get $hi))
      (local.set $q (i32.add (local.get $q) (local.get $s)))
      (local.set $t (i32.add (local.get $t) (i32.const 32)))
      (br_if $b1 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.set $t (local.get $tmp))
    (loop $row
      ;; four groups of 4 columns: offsets 0 (low 4 of the first i16x8), 8, 16, 24 bytes
      (local.set $r0 (i32x4.shr_s (i32x4.add (call $tap6w (i32x4.extend_low_i16x8_s (v128.load offset=0 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=32 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=64 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=96 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=128 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=160 (local.get $t)))) (v128.const i32x4 512 512 512 512)) (i32.const 10)))
      (local.set $r1 (i32x4.shr_s (i32x4.add (call $tap6w (i32x4.extend_high_i16x8_s (v128.load offset=0 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=32 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=64 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=96 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=128 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=160 (local.get $t)))) (v128.const i32x4 512 512 512 512)) (i32.const 10)))
      (local.set $lo (i16x8.narrow_i32x4_s (local.get $r0) (local.get $r1)))
      (local.set $r0 (i32x4.shr_s (i32x4.add (call $tap6w (i32x4.extend_low_i16x8_s (v128.load offset=16 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=48 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=80 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=112 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=144 (local.get $t))) (i32x4.extend_low_i16x8_s (v128.load offset=176 (local.get $t)))) (v128.const i32x4 512 512 512 512)) (i32.const 10)))
      (local.set $r1 (i32x4.shr_s (i32x4.add (call $tap6w (i32x4.extend_high_i16x8_s (v128.load offset=16 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=48 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=80 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=112 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=144 (local.get $t))) (i32x4.extend_high_i16x8_s (v128.load offset=176 (local.get $t)))) (v128.const i32x4 512 512 512 512)) (i32.const 10)))
      (local.set $hi (i16x8.narrow_i32x4_s (local.get $r0) (local.get $r1)))
      (v128.store (local.get $dst) (i8x16.narrow_i16x8_u (local.get $lo) (local.get $hi)))
      (local.set $t (i32.add (local.get $t) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; One plane (0 G, 1 b, 2 h, 3 j) of a 16-wide block.
  (func $plane (param $kind i32) (param $src i32) (param $s i32) (param $rows i32) (param $dst i32) (param $ds i32) (param $tmp i32)
    (block $j (block $h (block $b (block $g
      (br_table $g $b $h $j (local.get $kind)))
      (call $planeG (local.get $src) (local.get $s) (local.get $rows) (local.get $dst) (local.get $ds)) (return))
      (call $planeB (local.get $src) (local.get $s) (local.get $rows) (local.get $dst) (local.get $ds)) (return))
      (call $planeH (local.get $src) (local.get $s) (local.get $rows) (local.get $dst) (local.get $ds)) (return))
    (call $planeJ (local.get $src) (local.get $s) (local.get $rows) (local.get $dst) (local.get $ds) (local.get $tmp)))

  ;; predictLuma16 (motion.ts) for a fractional position, as Table 8-12's pair of planes: plane
  ;; $pa computed at $srcA (the integer sample it starts from) into $out, and when $pb >= 0
  ;; plane $pb at $srcB averaged in ((a + b + 1) >> 1). $tmp: 256 bytes; $tmpJ: 672 bytes.
  (func (export "predictLuma16") (param $pa i32) (param $srcA i32) (param $pb i32) (param $srcB i32) (param $s i32) (param $out i32) (param $tmp i32) (param $tmpJ i32)
    (local $i i32)
    (call $plane (local.get $pa) (local.get $srcA) (local.get $s) (i32.const 16) (local.get $out) (i32.const 16) (local.get $tmpJ))
    (if (i32.ge_s (local.get $pb) (i32.const 0)) (then
      (call $plane (local.get $pb) (local.get $srcB) (local.get $s) (i32.const 16) (local.get $tmp) (i32.const 16) (local.get $tmpJ))
      (loop $avg
        (v128.store (i32.add (local.get $out) (local.get $i))
          (i8x16.avgr_u (v128.load (i32.add (local.get $out) (local.get $i))) (v128.load (i32.add (local.get $tmp) (local.get $i)))))
        (br_if $avg (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 256)))))))

  ;; SubpelWindow.load (motion.ts): the planes G, b, h, j for rows and columns -1 .. 16 around
  ;; the block at $src, each 18 rows of stride 32 at $win + 576 k (k = 0 G, 1 b, 2 h, 3 j), as
  ;; two overlapping 16-wide passes (columns -1..14 and 1..16). $tmpJ: 736 bytes.
  (func (export "windowLoad") (param $src i32) (param $s i32) (param $win i32) (param $tmpJ i32)
    (local $o i32) (local $k i32)
    (local.set $o (i32.sub (i32.sub (local.get $src) (local.get $s)) (i32.const 1)))
    (loop $pass
      (call $planeG (local.get $o) (local.get $s) (i32.const 18) (local.get $win) (i32.const 32))
      (call $planeB (local.get $o) (local.get $s) (i32.const 18) (i32.add (local.get $win) (i32.const 576)) (i32.const 32))
      (call $planeH (local.get $o) (local.get $s) (i32.const 18) (i32.add (local.get $win) (i32.const 1152)) (i32.const 32))
      (call $planeJ (local.get $o) (local.get $s) (i32.const 18) (i32.add (local.get $win) (i32.const 1728)) (i32.const 32) (local.get $tmpJ))
      (local.set $o (i32.add (local.get $o) (i32.const 2)))
      (local.set $win (i32.add (local.get $win) (i32.const 2)))
      (br_if $pass (local.tee $k (i32.xor (local.get $k) (i32.const 1))))))

  ;; SubpelWindow.sad: rows of ((A + B + 1) >> 1) from window addresses $a and $b (stride 32;
  ;; $b = $a for a single plane) against $src (stride $ss); like sad16, it gives up after 8
  ;; rows that reached $limit.
  (func (export "windowSad") (param $a i32) (param $b i32) (param $src i32) (param $ss i32) (param $limit i32) (result i32)
    (local $p v128) (local $v v128) (local $acc v128) (local $n i32) (local $h v128) (local $part i32)
    (local.set $n (i32.const 16))
    (loop $row
      (if (i32.eq (local.get $n) (i32.const 8)) (then
        (local.set $h (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
        (local.set $part (i32.add (i32.add (i32x4.extract_lane 0 (local.get $h)) (i32x4.extract_lane 1 (local.get $h)))
          (i32.add (i32x4.extract_lane 2 (local.get $h)) (i32x4.extract_lane 3 (local.get $h)))))
        (if (i32.ge_u (local.get $part) (local.get $limit)) (then (return (local.get $part))))))
      (local.set $p (i8x16.avgr_u (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $v (v128.load (local.get $src)))
      (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $p) (local.get $v)) (i8x16.sub_sat_u (local.get $v) (local.get $p))))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (local.set $src (i32.add (local.get $src) (local.get $ss)))
      (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.set $acc (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; SubpelWindow.predict: the same rows into $out (16x16 raster).
  (func (export "windowPredict") (param $a i32) (param $b i32) (param $out i32)
    (local $n i32)
    (local.set $n (i32.const 16))
    (loop $row
      (v128.store (local.get $out) (i8x16.avgr_u (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; predictChroma8 (motion.ts) for both components: 8.4.2.2.2's bilinear weights on 16 bits
  ;; (at most 64 x 255 + 32), two rows a vector; an integer vector (weights 64, 0, 0, 0) is a
  ;; copy, which is what the weights give.
  (func (export "predictChroma8") (param $refU i32) (param $refV i32) (param $off i32) (param $s i32) (param $mvx i32) (param $mvy i32) (param $outU i32) (param $outV i32)
    (local $xf i32) (local $yf i32) (local $wA v128) (local $wB v128) (local $wC v128) (local $wD v128) (local $base i32) (local $p i32) (local $o i32) (local $y i32) (local $c i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $q0 v128) (local $q1 v128) (local $q2 v128)
    (local.set $xf (i32.and (local.get $mvx) (i32.const 7)))
    (local.set $yf (i32.and (local.get $mvy) (i32.const 7)))
    (local.set $base (i32.add (local.get $off) (i32.add (i32.mul (i32.shr_s (local.get $mvy) (i32.const 3)) (local.get $s)) (i32.shr_s (local.get $mvx) (i32.const 3)))))
    (if (i32.eqz (i32.or (local.get $xf) (local.get $yf))) (then
      (loop $comp
        (local.set $p (i32.add (local.get $base) (select (local.get $refV) (local.get $refU) (local.get $c))))
        (local.set $o (select (local.get $outV) (local.get $outU) (local.get $c)))
        (local.set $y (i32.const 8))
        (loop $rows
          (i64.store (local.get $o) (i64.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $s)))
          (local.set $o (i32.add (local.get $o) (i32.const 8)))
          (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
        (br_if $comp (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 2))))
      (return)))
    (local.set $wA (i16x8.splat (i32.mul (i32.sub (i32.const 8) (local.get $xf)) (i32.sub (i32.const 8) (local.get $yf)))))
    (local.set $wB (i16x8.splat (i32.mul (local.get $xf) (i32.sub (i32.const 8) (local.get $yf)))))
    (local.set $wC (i16x8.splat (i32.mul (i32.sub (i32.const 8) (local.get $xf)) (local.get $yf))))
    (local.set $wD (i16x8.splat (i32.mul (local.get $xf) (local.get $yf))))
    (loop $comp2
      (local.set $p (i32.add (local.get $base) (select (local.get $refV) (local.get $refU) (local.get $c))))
      (local.set $o (select (local.get $outV) (local.get $outU) (local.get $c)))
      ;; each source row weighted once as the upper (A, B) and once as the lower (C, D) row
      (local.set $r0 (i16x8.add (i16x8.mul (local.get $wA) (v128.load8x8_u (local.get $p))) (i16x8.mul (local.get $wB) (v128.load8x8_u offset=1 (local.get $p)))))
      (local.set $y (i32.const 4))
      (loop $rows2
        (local.set $p (i32.add (local.get $p) (local.get $s)))
        (local.set $q0 (v128.load8x8_u (local.get $p)))
        (local.set $q1 (v128.load8x8_u offset=1 (local.get $p)))
        (local.set $r1 (i16x8.add (i16x8.mul (local.get $wC) (local.get $q0)) (i16x8.mul (local.get $wD) (local.get $q1))))
        (local.set $r2 (i16x8.add (i16x8.mul (local.get $wA) (local.get $q0)) (i16x8.mul (local.get $wB) (local.get $q1))))
        (local.set $p (i32.add (local.get $p) (local.get $s)))
        (local.set $q0 (v128.load8x8_u (local.get $p)))
        (local.set $q1 (v128.load8x8_u offset=1 (local.get $p)))
        (local.set $q2 (i16x8.add (i16x8.mul (local.get $wC) (local.get $q0)) (i16x8.mul (local.get $wD) (local.get $q1))))
        (v128.store (local.get $o) (i8x16.narrow_i16x8_u
          (i16x8.shr_u (i16x8.add (i16x8.add (local.get $r0) (local.get $r1)) (v128.const i16x8 32 32 32 32 32 32 32 32)) (i32.const 6))
          (i16x8.shr_u (i16x8.add (i16x8.add (local.get $r2) (local.get $q2)) (v128.const i16x8 32 32 32 32 32 32 32 32)) (i32.const 6))))
        (local.set $r0 (i16x8.add (i16x8.mul (local.get $wA) (local.get $q0)) (i16x8.mul (local.get $wB) (local.get $q1))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $rows2 (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      (br_if $comp2 (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 2)))))

  ;; predictIntra16 (intra.ts, 8.3.3) for an available mode (0 vertical, 1 horizontal, 2 DC,
  ;; 3 plane) of the block at $rec (stride $s) into $out (raster 16x16); $top / $left: the
  ;; neighbours exist (DC's cases).
  (func (export "predictIntra16") (param $rec i32) (param $s i32) (param $mode i32) (param $top i32) (param $left i32) (param $out i32)
    (local $y i32) (local $i i32) (local $v v128) (local $sum i32) (local $h i32) (local $vv i32) (local $a i32) (local $b i32) (local $c i32)
    (local $base v128) (local $bx v128) (local $t i32)
    (block $plane (block $dc (block $hor (block $ver
      (br_table $ver $hor $dc $plane (local.get $mode)))
      ;; vertical: the row above, 16 times
      (local.set $v (v128.load (i32.sub (local.get $rec) (local.get $s))))
      (loop $rows
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $y) (i32.const 4))) (local.get $v))
        (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (i32.const 16))))
      (return))
      ;; horizontal: each row its left neighbour
      (loop $rows
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $y) (i32.const 4)))
          (i8x16.splat (i32.load8_u (i32.sub (i32.add (local.get $rec) (i32.mul (local.get $y) (local.get $s))) (i32.const 1)))))
        (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (i32.const 16))))
      (return))
      ;; DC: the mean of the available neighbours, 128 without any
      (if (local.get $top) (then
        (local.set $v (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (v128.load (i32.sub (local.get $rec) (local.get $s))))))
        (local.set $sum (i32.add (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
          (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))))
      (if (local.get $left) (then
        (loop $l
          (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.sub (i32.add (local.get $rec) (i32.mul (local.get $i) (local.get $s))) (i32.const 1)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 16))))))
      (local.set $sum
        (if (result i32) (i32.and (local.get $top) (local.get $left))
          (then (i32.shr_u (i32.add (local.get $sum) (i32.const 16)) (i32.const 5)))
          (else (if (result i32) (i32.or (local.get $top) (local.get $left))
            (then (i32.shr_u (i32.add (local.get $sum) (i32.const 8)) (i32.const 4)))
            (else (i32.const 128))))))
      (local.set $v (i8x16.splat (local.get $sum)))
      (loop $rows
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $y) (i32.const 4))) (local.get $v))
        (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (i32.const 16))))
      (return))
    ;; plane (8.3.3.4): H and V gradients from the neighbours, then clip((a + b (x - 7) + c (y - 7) + 16) >> 5)
    (local.set $t (i32.sub (local.get $rec) (local.get $s)))
    (loop $g
      (local.set $h (i32.add (local.get $h) (i32.mul (i32.add (local.get $i) (i32.const 1))
        (i32.sub (i32.load8_u (i32.add (local.get $t) (i32.add (local.get $i) (i32.const 8)))) (i32.load8_u (i32.add (local.get $t) (i32.sub (i32.const 6) (local.get $i))))))))
      (local.set $vv (i32.add (local.get $vv) (i32.mul (i32.add (local.get $i) (i32.const 1))
        (i32.sub (i32.load8_u (i32.sub (i32.add (local.get $rec) (i32.mul (i32.add (local.get $i) (i32.const 8)) (local.get $s))) (i32.const 1)))
          (i32.load8_u (i32.sub (i32.add (local.get $rec) (i32.mul (i32.sub (i32.const 6) (local.get $i)) (local.get $s))) (i32.const 1)))))))
      (br_if $g (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
    (local.set $a (i32.shl (i32.add (i32.load8_u (i32.sub (i32.add (local.get $rec) (i32.mul (i32.const 15) (local.get $s))) (i32.const 1))) (i32.load8_u offset=15 (local.get $t))) (i32.const 4)))
    (local.set $b (i32.shr_s (i32.add (i32.mul (local.get $h) (i32.const 5)) (i32.const 32)) (i32.const 6)))
    (local.set $c (i32.shr_s (i32.add (i32.mul (local.get $vv) (i32.const 5)) (i32.const 32)) (i32.const 6)))
    ;; b (x - 7) for x = 0..3; the other groups add 4 b, 8 b, 12 b
    (local.set $bx (i32x4.mul (i32x4.splat (local.get $b)) (v128.const i32x4 -7 -6 -5 -4)))
    (loop $rows
      (local.set $base (i32x4.add (local.get $bx) (i32x4.splat (i32.add (i32.add (local.get $a) (i32.const 16)) (i32.mul (local.get $c) (i32.sub (local.get $y) (i32.const 7)))))))
      (local.set $v (i32x4.splat (i32.shl (local.get $b) (i32.const 2))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $y) (i32.const 4)))
        (i8x16.narrow_i16x8_u
          (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $base) (i32.const 5)) (i32x4.shr_s (i32x4.add (local.get $base) (local.get $v)) (i32.const 5)))
          (i16x8.narrow_i32x4_s (i32x4.shr_s (i32x4.add (local.get $base) (i32x4.shl (local.get $v) (i32.const 1))) (i32.const 5))
            (i32x4.shr_s (i32x4.add (local.get $base) (i32x4.mul (local.get $v) (v128.const i32x4 3 3 3 3))) (i32.const 5)))))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (i32.const 16)))))

  ;; skipBySad's luma test (blocksUnder in slice-coder.ts): the largest SAD among the 16 4x4
  ;; blocks of $src (stride $ss) against $pred (stride $ps).
  (func (export "maxSad4x4") (param $src i32) (param $ss i32) (param $pred i32) (param $ps i32) (result i32)
    (local $a v128) (local $b v128) (local $acc v128) (local $max v128) (local $y i32) (local $r i32)
    (loop $blockRows
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $y (i32.const 4))
      (loop $rows
        (local.set $a (v128.load (local.get $src)))
        (local.set $b (v128.load (local.get $pred)))
        (local.set $acc (i16x8.add (local.get $acc) (i16x8.extadd_pairwise_i8x16_u (v128.or (i8x16.sub_sat_u (local.get $a) (local.get $b)) (i8x16.sub_sat_u (local.get $b) (local.get $a))))))
        (local.set $src (i32.add (local.get $src) (local.get $ss)))
        (local.set $pred (i32.add (local.get $pred) (local.get $ps)))
        (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      ;; lanes: the 4 blocks of this block row
      (local.set $max (i32x4.max_u (local.get $max) (i32x4.extadd_pairwise_i16x8_u (local.get $acc))))
      (br_if $blockRows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
    (local.set $max (i32x4.max_u (local.get $max) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max) (local.get $max))))
    (local.set $max (i32x4.max_u (local.get $max) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $max) (local.get $max))))
    (i32x4.extract_lane 0 (local.get $max)))

  ;; skipBySad's chroma test (chromaSums in slice-coder.ts, both components): writes each 4x4
  ;; block's residual sum to $dc + 4 k (k = 4 c + raster block) and returns the largest SAD
  ;; of the 8 blocks of $srcU / $srcV (stride $ss) against the raster 8x8 $predU / $predV.
  (func (export "chromaSadSums") (param $srcU i32) (param $srcV i32) (param $ss i32) (param $predU i32) (param $predV i32) (param $dc i32) (result i32)
    (local $d v128) (local $sum v128) (local $sad v128) (local $max i32) (local $c i32) (local $r i32) (local $y i32) (local $s i32) (local $p i32) (local $t i32)
    (loop $comp
      (local.set $s (select (local.get $srcV) (local.get $srcU) (local.get $c)))
      (local.set $p (select (local.get $predV) (local.get $predU) (local.get $c)))
      (local.set $r (i32.const 0))
      (loop $blockRows
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $sad (v128.const i32x4 0 0 0 0))
        (local.set $y (i32.const 4))
        (loop $rows
          ;; 16-bit residuals: lanes 0-3 the left block's row, 4-7 the right block's
          (local.set $d (i16x8.sub (v128.load8x8_u (local.get $s)) (v128.load8x8_u (local.get $p))))
          (local.set $sum (i16x8.add (local.get $sum) (local.get $d)))
          (local.set $sad (i16x8.add (local.get $sad) (i16x8.abs (local.get $d))))
          (local.set $s (i32.add (local.get $s) (local.get $ss)))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
        (local.set $sum (i32x4.extadd_pairwise_i16x8_s (local.get $sum)))
        (local.set $sad (i32x4.extadd_pairwise_i16x8_u (local.get $sad)))
        (local.set $t (i32.add (local.get $dc) (i32.shl (i32.add (i32.shl (local.get $c) (i32.const 2)) (i32.shl (local.get $r) (i32.const 1))) (i32.const 2))))
        (i32.store (local.get $t) (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum))))
        (i32.store offset=4 (local.get $t) (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum))))
        (local.set $max (select (local.get $max) (local.tee $y (i32.add (i32x4.extract_lane 0 (local.get $sad)) (i32x4.extract_lane 1 (local.get $sad))))
          (i32.gt_u (local.get $max) (local.get $y))))
        (local.set $max (select (local.get $max) (local.tee $y (i32.add (i32x4.extract_lane 2 (local.get $sad)) (i32x4.extract_lane 3 (local.get $sad))))
          (i32.gt_u (local.get $max) (local.get $y))))
        (br_if $blockRows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 2))))
      (br_if $comp (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 2))))
    (local.get $max))

  ;; P_Skip's reconstruction (commitSkip): a 16x16 luma block and two 8x8 chroma blocks copied.
  (func (export "copySkip") (param $y i32) (param $ys i32) (param $ry i32) (param $u i32) (param $v i32) (param $cs8 i32) (param $ru i32) (param $rv i32) (param $rs i32) (param $cs i32)
    (local $n i32)
    (call $planeG (local.get $y) (local.get $ys) (i32.const 16) (local.get $ry) (local.get $rs))
    (local.set $n (i32.const 8))
    (loop $row
      (i64.store (local.get $ru) (i64.load (local.get $u)))
      (i64.store (local.get $rv) (i64.load (local.get $v)))
      (local.set $u (i32.add (local.get $u) (local.get $cs8)))
      (local.set $v (i32.add (local.get $v) (local.get $cs8)))
      (local.set $ru (i32.add (local.get $ru) (local.get $cs)))
      (local.set $rv (i32.add (local.get $rv) (local.get $cs)))
      (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
)
