;; Causal attention of one query head over one sequence, forward and backward, in WebAssembly SIMD.
;; tfjs-wasm runs padding-free attention as hundreds of small matrix products a step, and each
;; product with a new right-hand operand packs an XNNPACK operator first (0.2 ms, five times the
;; arithmetic): attention was 40% of a training step. Here one call does a whole (sequence, head),
;; computes only the causal triangle, and keeps nothing but one log-sum-exp a row for the backward.
;;
;; Layout: rows of hd floats (hd a multiple of 4), a sequence's rows contiguous. Pointers are byte
;; offsets into this module's memory, which the caller lays out (models/kernels/attention-kernel.ts).
;; Scratch: kT and vT, hd rows of Tp floats (Tp = T rounded up to 4); p and dp, Tp floats each.
;; Build: npm run build:kernels (assembles this file into attention-wasm.ts).
(module
  (import "math" "log" (func $log (param f64) (result f64)))
  (memory (export "memory") 1)

  ;; dst[d][j] = src[j][d] for j < T, and 0 for T ≤ j < Tp: the keys (or values) column-wise, so a
  ;; query's scores against four keys are one vector product per dimension.
  (func $transpose (param $src i32) (param $dst i32) (param $T i32) (param $hd i32) (param $Tp i32)
    (local $j i32) (local $d i32)
    (local.set $d (i32.const 0))
    (block $dd (loop $dl
      (br_if $dd (i32.ge_u (local.get $d) (local.get $hd)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $j) (local.get $Tp)))
        (f32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $d) (local.get $Tp)) (local.get $j)) (i32.const 2)))
          (if (result f32) (i32.lt_u (local.get $j) (local.get $T))
            (then (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $hd)) (local.get $d)) (i32.const 2)))))
            (else (f32.const 0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $dl))))

  ;; out[j] = row · colsT[·][j] for the first nb blocks of four j.
  (func $dots (param $row i32) (param $colsT i32) (param $Tp i32) (param $hd i32) (param $nb i32) (param $out i32)
    (local $jb i32) (local $d i32) (local $acc v128) (local $col i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $Tp) (i32.const 2)))
    (local.set $jb (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $jb) (local.get $nb)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $col (i32.add (local.get $colsT) (i32.shl (local.get $jb) (i32.const 4))))
      (local.set $d (i32.const 0))
      (block $dd (loop $dl
        (br_if $dd (i32.ge_u (local.get $d) (local.get $hd)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))
                     (v128.load (local.get $col)))))
        (local.set $col (i32.add (local.get $col) (local.get $stride)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $dl)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $jb) (i32.const 4))) (local.get $acc))
      (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
      (br $jl))))

  ;; out (hd floats) = (Σ_{j<c} w[j] · rows[j]) · scale.
  (func $weighted (param $w i32) (param $rows i32) (param $c i32) (param $hd i32) (param $scale f32) (param $out i32)
    (local $db i32) (local $j i32) (local $acc v128) (local $src i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $hd) (i32.const 2)))
    (local.set $db (i32.const 0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $db) (local.get $hd)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $src (i32.add (local.get $rows) (i32.shl (local.get $db) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $j) (local.get $c)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
                     (v128.load (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $db) (i32.const 2)))
        (f32x4.mul (local.get $acc) (f32x4.splat (local.get $scale))))
      (local.set $db (i32.add (local.get $db) (i32.const 4)))
      (br $bl))))

  ;; rows[j] += w[j] · x for j < c (x: hd floats).
  (func $scatter (param $w i32) (param $x i32) (param $rows i32) (param $c i32) (param $hd i32)
    (local $j i32) (local $db i32) (local $wj v128) (local $dst i32)
    (local.set $dst (local.get $rows))
    (local.set $j (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (local.get $c)))
      (local.set $wj (v128.load32_splat (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $db (i32.const 0))
      (block $bd (loop $bl
        (br_if $bd (i32.ge_u (local.get $db) (local.get $hd)))
        (v128.store (local.get $dst)
          (f32x4.add (v128.load (local.get $dst))
            (f32x4.mul (local.get $wj) (v128.load (i32.add (local.get $x) (i32.shl (local.get $db) (i32.const 2)))))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $db (i32.add (local.get $db) (i32.const 4)))
        (br $bl)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl))))

  ;; e^x lane-wise for x ≤ 0 (x below −87 gives 0): x = n·ln2 + r with |r| ≤ ln2/2, e^r by its
  ;; Taylor polynomial to r⁶ (relative error under 2e-7), 2^n built in the exponent bits.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.38888889e-3 1.38888889e-3 1.38888889e-3 1.38888889e-3))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.33333333e-3 8.33333333e-3 8.33333333e-3 8.33333333e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.16666667e-2 4.16666667e-2 4.16666667e-2 4.16666667e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.166666667 0.166666667 0.166666667 0.166666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; Lanes j ≥ c of the block starting at j0 set to zero.
  (func $causal (param $x v128) (param $j0 i32) (param $c i32) (result v128)
    (v128.and (local.get $x)
      (i32x4.lt_s (i32x4.add (i32x4.splat (local.get $j0)) (v128.const i32x4 0 1 2 3)) (i32x4.splat (local.get $c)))))

  ;; p[j] = e^(s[j]·scale − shift) for j < c, 0 beyond, in blocks of four; returns Σ p[j]·w[j],
  ;; or Σ p[j] when the pointer w is 0.
  (func $softmaxRow (param $p i32) (param $c i32) (param $scale f32) (param $shift f32) (param $w i32) (result f32)
    (local $jb i32) (local $e v128) (local $sum v128) (local $at i32)
    (local.set $sum (v128.const f32x4 0 0 0 0))
    (local.set $jb (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $jb) (local.get $c)))
      (local.set $at (i32.shl (local.get $jb) (i32.const 2)))
      (local.set $e (call $causal
        (call $exp4 (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $at))) (f32x4.splat (local.get $scale)))
                               (f32x4.splat (local.get $shift))))
        (local.get $jb) (local.get $c)))
      (v128.store (i32.add (local.get $p) (local.get $at)) (local.get $e))
      (local.set $sum (f32x4.add (local.get $sum)
        (if (result v128) (local.get $w)
          (then (f32x4.mul (local.get $e) (v128.load (i32.add (local.get $w) (local.get $at)))))
          (else (local.get $e)))))
      (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
      (br $jl)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
             (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))

  ;; Largest of s[0..c).
  (func $rowMax (param $s i32) (param $c i32) (result f32)
    (local $m f32) (local $j i32)
    (local.set $m (f32.load (local.get $s)))
    (local.set $j (i32.const 1))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (local.get $c)))
      (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl)))
    (local.get $m))

  (func $roundUp4 (param $x i32) (result i32)
    (i32.and (i32.add (local.get $x) (i32.const 3)) (i32.const -4)))

  ;; o[t] = softmax_{j≤t}(q[t]·k[j]·scale) · v and lse[t] = log Σ_{j≤t} e^(q[t]·k[j]·scale), t < T.
  (func (export "forward") (param $q i32) (param $k i32) (param $v i32) (param $o i32) (param $lse i32)
                           (param $T i32) (param $hd i32) (param $scale f32) (param $kT i32) (param $p i32)
    (local $t i32) (local $c i32) (local $Tp i32) (local $row i32) (local $m f32) (local $sum f32)
    (local.set $Tp (call $roundUp4 (local.get $T)))
    (call $transpose (local.get $k) (local.get $kT) (local.get $T) (local.get $hd) (local.get $Tp))
    (local.set $t (i32.const 0))
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $c (i32.add (local.get $t) (i32.const 1)))
      (local.set $row (i32.shl (i32.mul (local.get $t) (local.get $hd)) (i32.const 2)))
      (call $dots (i32.add (local.get $q) (local.get $row)) (local.get $kT) (local.get $Tp) (local.get $hd)
                  (i32.shr_u (call $roundUp4 (local.get $c)) (i32.const 2)) (local.get $p))
      (local.set $m (f32.mul (call $rowMax (local.get $p) (local.get $c)) (local.get $scale)))
      (local.set $sum (call $softmaxRow (local.get $p) (local.get $c) (local.get $scale) (local.get $m) (i32.const 0)))
      (f32.store (i32.add (local.get $lse) (i32.shl (local.get $t) (i32.const 2)))
        (f32.add (local.get $m) (f32.demote_f64 (call $log (f64.promote_f32 (local.get $sum))))))
      (call $weighted (local.get $p) (local.get $v) (local.get $c) (local.get $hd) (f32.div (f32.const 1) (local.get $sum))
                      (i32.add (local.get $o) (local.get $row)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl))))

  ;; Given do = ∂L/∂o: dq[t] = Σ_j ds[t][j]·k[j], and dk[j] += Σ_t ds[t][j]·q[t], dv[j] += Σ_t p[t][j]·do[t]
  ;; (accumulated: query heads that share a key/value head add into the same rows), where
  ;; p[t][j] = e^(q[t]·k[j]·scale − lse[t]), dp[t][j] = do[t]·v[j] and ds = p ⊙ (dp − Σ_j p⊙dp) · scale.
  (func (export "backward") (param $q i32) (param $k i32) (param $v i32) (param $do i32) (param $lse i32)
                            (param $dq i32) (param $dk i32) (param $dv i32)
                            (param $T i32) (param $hd i32) (param $scale f32)
                            (param $kT i32) (param $vT i32) (param $p i32) (param $dp i32)
    (local $t i32) (local $c i32) (local $nb i32) (local $Tp i32) (local $row i32) (local $dot f32)
    (local $jb i32) (local $at i32)
    (local.set $Tp (call $roundUp4 (local.get $T)))
    (call $transpose (local.get $k) (local.get $kT) (local.get $T) (local.get $hd) (local.get $Tp))
    (call $transpose (local.get $v) (local.get $vT) (local.get $T) (local.get $hd) (local.get $Tp))
    (local.set $t (i32.const 0))
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $c (i32.add (local.get $t) (i32.const 1)))
      (local.set $nb (i32.shr_u (call $roundUp4 (local.get $c)) (i32.const 2)))
      (local.set $row (i32.shl (i32.mul (local.get $t) (local.get $hd)) (i32.const 2)))
      (call $dots (i32.add (local.get $q) (local.get $row)) (local.get $kT) (local.get $Tp) (local.get $hd) (local.get $nb) (local.get $p))
      (call $dots (i32.add (local.get $do) (local.get $row)) (local.get $vT) (local.get $Tp) (local.get $hd) (local.get $nb) (local.get $dp))
      ;; p, and Σ_j p[j]·dp[j] (which is do[t]·o[t]).
      (local.set $dot (call $softmaxRow (local.get $p) (local.get $c) (local.get $scale)
                        (f32.load (i32.add (local.get $lse) (i32.shl (local.get $t) (i32.const 2)))) (local.get $dp)))
      ;; dp becomes ds (lanes beyond c stay 0: p is 0 there).
      (local.set $jb (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $jb) (local.get $c)))
        (local.set $at (i32.shl (local.get $jb) (i32.const 2)))
        (v128.store (i32.add (local.get $dp) (local.get $at))
          (f32x4.mul (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $at)))
                                (f32x4.sub (v128.load (i32.add (local.get $dp) (local.get $at))) (f32x4.splat (local.get $dot))))
                     (f32x4.splat (local.get $scale))))
        (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
        (br $jl)))
      (call $weighted (local.get $dp) (local.get $k) (local.get $c) (local.get $hd) (f32.const 1) (i32.add (local.get $dq) (local.get $row)))
      (call $scatter (local.get $dp) (i32.add (local.get $q) (local.get $row)) (local.get $dk) (local.get $c) (local.get $hd))
      (call $scatter (local.get $p) (i32.add (local.get $do) (local.get $row)) (local.get $dv) (local.get $c) (local.get $hd))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl))))
)
