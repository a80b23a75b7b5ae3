;; Causal attention of one query head over one sequence, forward and backward, in WebAssembly SIMD.
;; tfjs-wasm runs padding-free attention as hundreds of small matrix products a step, and each
;; product with a new right-hand operand packs an XNNPACK operator first (0.2 ms, five times the
;; arithmetic): attention was 40% of a training step. Here one call does a whole (sequence, head),
;; computes only the causal triangle, and keeps nothing but one log-sum-exp a row for the backward.
;;
;; Layout: rows of hd floats (hd a multiple of 4), a sequence's rows contiguous. Pointers are byte
;; offsets into this module's memory, which the caller lays out (models/kernels/attention-kernel.ts).
;; kT and vT are k and v transposed by `transpose` (hd rows of Tp floats, Tp = T rounded up to 4);
;; scratch: p and dp, Tp floats each, and pT and dsT, Tp × Tp.
;; Build: npm run build:kernels (assembles this file into attention-wasm.ts).
(module
  (import "math" "log" (func $log (param f64) (result f64)))
  (memory (export "memory") 1)

  ;; dst[d][j] = src[j][d] for j < T, and 0 for T ≤ j < Tp: the keys (or values) column-wise, so a
  ;; query's scores against four keys are one vector product per dimension. The caller transposes
  ;; a key/value head's rows once for all the query heads that read them.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $T i32) (param $hd i32) (param $Tp i32)
    (local $j i32) (local $d i32) (local $from i32) (local $to i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $Tp) (i32.const 2)))
    (local.set $d (i32.const 0))
    (block $dd (loop $dl
      (br_if $dd (i32.ge_u (local.get $d) (local.get $hd)))
      (local.set $from (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $to (i32.add (local.get $dst) (i32.mul (local.get $d) (local.get $stride))))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $j) (local.get $T)))
        (f32.store (local.get $to) (f32.load (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.shl (local.get $hd) (i32.const 2))))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl)))
      (block $zd (loop $zl
        (br_if $zd (i32.ge_u (local.get $j) (local.get $Tp)))
        (f32.store (local.get $to) (f32.const 0))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zl)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $dl))))

  ;; out[j] = row · colsT[·][j] for the first nb blocks of four j: four blocks a pass over the
  ;; row while they last (each of the row's values loaded once for sixteen products), then one.
  (func $dots (param $row i32) (param $colsT i32) (param $Tp i32) (param $hd i32) (param $nb i32) (param $out i32)
    (local $jb i32) (local $d i32) (local $x v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $col i32) (local $stride i32) (local $end i32)
    (local.set $stride (i32.shl (local.get $Tp) (i32.const 2)))
    (local.set $end (i32.add (local.get $row) (i32.shl (local.get $hd) (i32.const 2))))
    (local.set $jb (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.gt_u (i32.add (local.get $jb) (i32.const 4)) (local.get $nb)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $a1 (v128.const f32x4 0 0 0 0))
      (local.set $a2 (v128.const f32x4 0 0 0 0))
      (local.set $a3 (v128.const f32x4 0 0 0 0))
      (local.set $col (i32.add (local.get $colsT) (i32.shl (local.get $jb) (i32.const 4))))
      (local.set $d (local.get $row))
      (block $dd (loop $dl
        (br_if $dd (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $x (v128.load32_splat (local.get $d)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (v128.load offset=0 (local.get $col)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $col)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $col)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $col)))))
        (local.set $col (i32.add (local.get $col) (local.get $stride)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $dl)))
      (local.set $col (i32.add (local.get $out) (i32.shl (local.get $jb) (i32.const 4))))
      (v128.store offset=0 (local.get $col) (local.get $a0))
      (v128.store offset=16 (local.get $col) (local.get $a1))
      (v128.store offset=32 (local.get $col) (local.get $a2))
      (v128.store offset=48 (local.get $col) (local.get $a3))
      (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
      (br $jl)))
    (block $jd1 (loop $jl1
      (br_if $jd1 (i32.ge_u (local.get $jb) (local.get $nb)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $col (i32.add (local.get $colsT) (i32.shl (local.get $jb) (i32.const 4))))
      (local.set $d (local.get $row))
      (block $dd1 (loop $dl1
        (br_if $dd1 (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $d)) (v128.load (local.get $col)))))
        (local.set $col (i32.add (local.get $col) (local.get $stride)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $dl1)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $jb) (i32.const 4))) (local.get $a0))
      (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
      (br $jl1))))

  ;; out (hd floats) += (Σ_{j<c} w[j] · rows[j]) · scale: sixteen outputs a pass over w while
  ;; they last (each weight loaded once for four vectors), then four.
  (func $weighted (param $w i32) (param $rows i32) (param $c i32) (param $hd i32) (param $scale f32) (param $out i32)
    (local $db i32) (local $wj i32) (local $wend i32) (local $x v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $src i32) (local $stride i32) (local $s v128) (local $dst i32)
    (local.set $stride (i32.shl (local.get $hd) (i32.const 2)))
    (local.set $wend (i32.add (local.get $w) (i32.shl (local.get $c) (i32.const 2))))
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $db (i32.const 0))
    (block $bd (loop $bl
      (br_if $bd (i32.gt_u (i32.add (local.get $db) (i32.const 16)) (local.get $hd)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $a1 (v128.const f32x4 0 0 0 0))
      (local.set $a2 (v128.const f32x4 0 0 0 0))
      (local.set $a3 (v128.const f32x4 0 0 0 0))
      (local.set $src (i32.add (local.get $rows) (i32.shl (local.get $db) (i32.const 2))))
      (local.set $wj (local.get $w))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $wj) (local.get $wend)))
        (local.set $x (v128.load32_splat (local.get $wj)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (v128.load offset=0 (local.get $src)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $src)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $src)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $wj (i32.add (local.get $wj) (i32.const 4)))
        (br $jl)))
      (local.set $dst (i32.add (local.get $out) (i32.shl (local.get $db) (i32.const 2))))
      (v128.store offset=0 (local.get $dst) (f32x4.add (v128.load offset=0 (local.get $dst)) (f32x4.mul (local.get $a0) (local.get $s))))
      (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (f32x4.mul (local.get $a1) (local.get $s))))
      (v128.store offset=32 (local.get $dst) (f32x4.add (v128.load offset=32 (local.get $dst)) (f32x4.mul (local.get $a2) (local.get $s))))
      (v128.store offset=48 (local.get $dst) (f32x4.add (v128.load offset=48 (local.get $dst)) (f32x4.mul (local.get $a3) (local.get $s))))
      (local.set $db (i32.add (local.get $db) (i32.const 16)))
      (br $bl)))
    (block $bd1 (loop $bl1
      (br_if $bd1 (i32.ge_u (local.get $db) (local.get $hd)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $src (i32.add (local.get $rows) (i32.shl (local.get $db) (i32.const 2))))
      (local.set $wj (local.get $w))
      (block $jd1 (loop $jl1
        (br_if $jd1 (i32.ge_u (local.get $wj) (local.get $wend)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $wj)) (v128.load (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $wj (i32.add (local.get $wj) (i32.const 4)))
        (br $jl1)))
      (local.set $dst (i32.add (local.get $out) (i32.shl (local.get $db) (i32.const 2))))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (f32x4.mul (local.get $a0) (local.get $s))))
      (local.set $db (i32.add (local.get $db) (i32.const 4)))
      (br $bl1))))

  ;; dstT[j][t] = src[j] for j < c (dstT: rows of Tp floats): row t of a matrix, stored as column t
  ;; of its transpose, whose rows `weighted` then reads as weights.
  (func $storeColumn (param $src i32) (param $dstT i32) (param $t i32) (param $c i32) (param $Tp i32)
    (local $end i32) (local $dst i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $Tp) (i32.const 2)))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
    (local.set $dst (i32.add (local.get $dstT) (i32.shl (local.get $t) (i32.const 2))))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $src) (local.get $end)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
      (br $jl))))

  ;; Lanes j0.. j0+3 that are below c: all ones where j < c.
  (func $below (param $j0 i32) (param $c i32) (result v128)
    (i32x4.lt_s (i32x4.add (i32x4.splat (local.get $j0)) (v128.const i32x4 0 1 2 3)) (i32x4.splat (local.get $c))))

  ;; p[j] = e^(s[j]·scale − shift) for j < c, 0 beyond, in blocks of four; returns Σ p[j]·w[j],
  ;; or Σ p[j] when the pointer w is 0. e^x for x ≤ 0 (below −87 it gives 0): x = n·ln2 + r with
  ;; |r| ≤ ln2/2, e^r by its Taylor polynomial to r⁶ (relative error under 2e-7), 2^n built in the
  ;; exponent bits. Written out here rather than called: the call cost a third of the exponential.
  (func $softmaxRow (param $p i32) (param $c i32) (param $scale f32) (param $shift f32) (param $w i32) (result f32)
    (local $jb i32) (local $x v128) (local $n v128) (local $r v128) (local $e v128) (local $sum v128) (local $at i32)
    (local.set $sum (v128.const f32x4 0 0 0 0))
    (local.set $jb (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $jb) (local.get $c)))
      (local.set $at (i32.add (local.get $p) (i32.shl (local.get $jb) (i32.const 2))))
      (local.set $x (f32x4.max (v128.const f32x4 -87 -87 -87 -87)
        (f32x4.sub (f32x4.mul (v128.load (local.get $at)) (f32x4.splat (local.get $scale))) (f32x4.splat (local.get $shift)))))
      (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
      (local.set $r (f32x4.sub
        (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
      (local.set $e (v128.const f32x4 1.38888889e-3 1.38888889e-3 1.38888889e-3 1.38888889e-3))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 8.33333333e-3 8.33333333e-3 8.33333333e-3 8.33333333e-3)))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 4.16666667e-2 4.16666667e-2 4.16666667e-2 4.16666667e-2)))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 0.166666667 0.166666667 0.166666667 0.166666667)))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 1 1 1 1)))
      (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 1 1 1 1)))
      (local.set $e (v128.and (call $below (local.get $jb) (local.get $c)) (f32x4.mul (local.get $e)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))))
      (v128.store (local.get $at) (local.get $e))
      (local.set $sum (f32x4.add (local.get $sum)
        (if (result v128) (local.get $w)
          (then (f32x4.mul (local.get $e) (v128.load (i32.add (local.get $w) (i32.shl (local.get $jb) (i32.const 2))))))
          (else (local.get $e)))))
      (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
      (br $jl)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
             (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))

  ;; Largest of s[0..c), four at a time (lanes beyond c read as the first).
  (func $rowMax (param $s i32) (param $c i32) (result f32)
    (local $m v128) (local $jb i32) (local $first v128)
    (local.set $first (v128.load32_splat (local.get $s)))
    (local.set $m (local.get $first))
    (local.set $jb (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $jb) (local.get $c)))
      (local.set $m (f32x4.max (local.get $m)
        (v128.bitselect (v128.load (i32.add (local.get $s) (i32.shl (local.get $jb) (i32.const 2)))) (local.get $first)
                        (call $below (local.get $jb) (local.get $c)))))
      (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
      (br $jl)))
    (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
             (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))

  (func $roundUp4 (param $x i32) (result i32)
    (i32.and (i32.add (local.get $x) (i32.const 3)) (i32.const -4)))

  ;; o[t] += softmax_{j≤t}(q[t]·k[j]·scale) · v (o starts at zero) and lse[t] = log Σ_{j≤t} e^(q[t]·k[j]·scale), t < T.
  (func (export "forward") (param $q i32) (param $k i32) (param $v i32) (param $o i32) (param $lse i32)
                           (param $T i32) (param $hd i32) (param $scale f32) (param $kT i32) (param $p i32)
    (local $t i32) (local $c i32) (local $Tp i32) (local $row i32) (local $m f32) (local $sum f32)
    (local.set $Tp (call $roundUp4 (local.get $T)))
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

  ;; Given do = ∂L/∂o: dq[t] += Σ_j ds[t][j]·k[j], dk[j] += Σ_t ds[t][j]·q[t] and dv[j] += Σ_t p[t][j]·do[t]
  ;; (all start at zero; query heads that share a key/value head add into the same dk and dv rows),
  ;; where p[t][j] = e^(q[t]·k[j]·scale − lse[t]), dp[t][j] = do[t]·v[j] and
  ;; ds = p ⊙ (dp − Σ_j p⊙dp) · scale. Row by row it computes p and ds and dq; p and ds also go,
  ;; transposed, to pT and dsT (Tp × Tp floats each), from which dk and dv are taken row by row.
  (func (export "backward") (param $q i32) (param $k i32) (param $v i32) (param $do i32) (param $lse i32)
                            (param $dq i32) (param $dk i32) (param $dv i32)
                            (param $T i32) (param $hd i32) (param $scale f32)
                            (param $kT i32) (param $vT i32) (param $p i32) (param $dp i32) (param $pT i32) (param $dsT i32)
    (local $t i32) (local $c i32) (local $nb i32) (local $Tp i32) (local $row i32) (local $dot f32)
    (local $jb i32) (local $at i32) (local $diag i32)
    (local.set $Tp (call $roundUp4 (local.get $T)))
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
      (call $storeColumn (local.get $p) (local.get $pT) (local.get $t) (local.get $c) (local.get $Tp))
      (call $storeColumn (local.get $dp) (local.get $dsT) (local.get $t) (local.get $c) (local.get $Tp))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl)))
    ;; dk[j] and dv[j] from the rows t ≥ j: row j of dsT and pT, from column j on.
    (local.set $t (i32.const 0))
    (block $jd2 (loop $jl2
      (br_if $jd2 (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $row (i32.shl (i32.mul (local.get $t) (local.get $hd)) (i32.const 2)))
      (local.set $diag (i32.shl (i32.mul (local.get $t) (i32.add (local.get $Tp) (i32.const 1))) (i32.const 2)))
      (call $weighted (i32.add (local.get $dsT) (local.get $diag)) (i32.add (local.get $q) (local.get $row))
                      (i32.sub (local.get $T) (local.get $t)) (local.get $hd) (f32.const 1) (i32.add (local.get $dk) (local.get $row)))
      (call $weighted (i32.add (local.get $pT) (local.get $diag)) (i32.add (local.get $do) (local.get $row))
                      (i32.sub (local.get $T) (local.get $t)) (local.get $hd) (f32.const 1) (i32.add (local.get $dv) (local.get $row)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $jl2))))
)
