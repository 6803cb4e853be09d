;; The seed contract's draws (docs/seeds.md §2–3) with WebAssembly SIMD, for whole batches: four
;; seeds' xoshiro128** streams run side by side in the four i32 lanes, and the polar transform runs
;; two pairs at a time in f64x2 lanes. Every operation is one the contract names, in its order and
;; with its rounding (WebAssembly's f64 and f32 arithmetic is IEEE-754, round to nearest even), so
;; the values are bit for bit those of testing/seed-reference.ts: latents.test.ts compares the two.
;; Compiled to latents-wasm.ts by `npm run build:wasm -w gan-sdk`.
;;
;; The memory layout is the caller's (latents.ts). A group is four seeds: its generator state is
;; four v128 (s0, s1, s2, s3) at 64-byte steps, lane L holding seed 4g + L's word.
(module
  (memory (export "memory") 1)

  ;; The kernels below keep each group's generator state in locals and write its steps out in
  ;; full: function calls are not inlined, and cost more than a step.
  ;;
  ;; One xoshiro128** step of four streams, output r = rotl(s1·5, 7)·9, then the state update:
  ;;   t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
  ;; A uniform of [−1, 1) from the words a then b of a stream is 2·U − 1 with
  ;; U = ((a >>> 5)·2^26 + (b >>> 6)) / 2^53, computed as ((a >>> 5)·2^26 + (b >>> 6))·2^−52 − 1:
  ;; the same value, since every one of these operations is exact.

  ;; uniform(states, groups, size, out): `size` uniforms per seed, as f32, seed after seed: seed
  ;; 4g + L's k-th value at out + 4·((4g + L)·size + k).
  (func (export "uniform") (param $states i32) (param $groups i32) (param $size i32) (param $out i32)
    (local $g i32) (local $k i32) (local $w i32) (local $row i32) (local $at i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $x v128) (local $t v128)
    (local $a v128) (local $b v128) (local $lo v128) (local $hi v128)
    (local.set $row (i32.shl (local.get $size) (i32.const 2)))
    (block $groups_done
      (loop $group
        (br_if $groups_done (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $s0 (v128.load offset=0 (local.get $states)))
        (local.set $s1 (v128.load offset=16 (local.get $states)))
        (local.set $s2 (v128.load offset=32 (local.get $states)))
        (local.set $s3 (v128.load offset=48 (local.get $states)))
        (local.set $k (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $k) (local.get $size)))
            ;; Two steps: the words a, b of each stream.
            (local.set $w (i32.const 0))
            (loop $words
              (local.set $x (i32x4.mul (local.get $s1) (i32x4.splat (i32.const 5))))
              (local.set $a (local.get $b))
              (local.set $b
                (i32x4.mul (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25))) (i32x4.splat (i32.const 9))))
              (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
              (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
              (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
              (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
              (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
              (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
              (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
              (local.set $w (i32.add (local.get $w) (i32.const 1)))
              (br_if $words (i32.lt_u (local.get $w) (i32.const 2))))
            (local.set $a (i32x4.shr_u (local.get $a) (i32.const 5)))
            (local.set $b (i32x4.shr_u (local.get $b) (i32.const 6)))
            (local.set $lo (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $a)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $b))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $a (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))
            (local.set $b (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b)))
            (local.set $hi (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $a)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $b))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $at (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2))))
            (f32.store (local.get $at) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $lo))))
            (local.set $at (i32.add (local.get $at) (local.get $row)))
            (f32.store (local.get $at) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $lo))))
            (local.set $at (i32.add (local.get $at) (local.get $row)))
            (f32.store (local.get $at) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $hi))))
            (local.set $at (i32.add (local.get $at) (local.get $row)))
            (f32.store (local.get $at) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $hi))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $next)))
        (local.set $states (i32.add (local.get $states) (i32.const 64)))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2))))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group))))

  ;; pairs(states, groups, count, us, vs, ss): for each seed, its first `count` accepted polar
  ;; pairs, in order: (u, v) with u drawn before v, kept when 0 < s = u² + v² < 1. Seed n's j-th
  ;; pair goes to index n·count + j of the f64 arrays us, vs and ss. A stream that has its pairs
  ;; keeps drawing until its group's others have theirs; those draws are never used.
  (func (export "pairs") (param $states i32) (param $groups i32) (param $count i32) (param $us i32) (param $vs i32) (param $ss i32)
    (local $g i32) (local $w i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $x v128) (local $t v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $u01 v128) (local $u23 v128) (local $v01 v128) (local $v23 v128) (local $q01 v128) (local $q23 v128)
    (local $ok01 v128) (local $ok23 v128)
    (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32) (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32)
    (block $groups_done
      (loop $group
        (br_if $groups_done (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $s0 (v128.load offset=0 (local.get $states)))
        (local.set $s1 (v128.load offset=16 (local.get $states)))
        (local.set $s2 (v128.load offset=32 (local.get $states)))
        (local.set $s3 (v128.load offset=48 (local.get $states)))
        ;; Stream L's next pair goes to index n_L, from (4g + L)·count up to e_L = (4g + L + 1)·count.
        (local.set $n0 (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $count)))
        (local.set $e0 (i32.add (local.get $n0) (local.get $count)))
        (local.set $n1 (local.get $e0))
        (local.set $e1 (i32.add (local.get $n1) (local.get $count)))
        (local.set $n2 (local.get $e1))
        (local.set $e2 (i32.add (local.get $n2) (local.get $count)))
        (local.set $n3 (local.get $e2))
        (local.set $e3 (i32.add (local.get $n3) (local.get $count)))
        (block $done
          (loop $next
            (br_if $done
              (i32.and
                (i32.and (i32.ge_u (local.get $n0) (local.get $e0)) (i32.ge_u (local.get $n1) (local.get $e1)))
                (i32.and (i32.ge_u (local.get $n2) (local.get $e2)) (i32.ge_u (local.get $n3) (local.get $e3)))))
            ;; Four steps: the words a, b (for u) and c, d (for v) of each stream.
            (local.set $w (i32.const 0))
            (loop $words
              (local.set $x (i32x4.mul (local.get $s1) (i32x4.splat (i32.const 5))))
              (local.set $a (local.get $b))
              (local.set $b (local.get $c))
              (local.set $c (local.get $d))
              (local.set $d
                (i32x4.mul (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25))) (i32x4.splat (i32.const 9))))
              (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
              (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
              (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
              (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
              (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
              (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
              (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
              (local.set $w (i32.add (local.get $w) (i32.const 1)))
              (br_if $words (i32.lt_u (local.get $w) (i32.const 4))))
            (local.set $a (i32x4.shr_u (local.get $a) (i32.const 5)))
            (local.set $b (i32x4.shr_u (local.get $b) (i32.const 6)))
            (local.set $c (i32x4.shr_u (local.get $c) (i32.const 5)))
            (local.set $d (i32x4.shr_u (local.get $d) (i32.const 6)))
            (local.set $u01 (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $a)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $b))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $v01 (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $c)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $d))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $a (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))
            (local.set $b (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b)))
            (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
            (local.set $d (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
            (local.set $u23 (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $a)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $b))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $v23 (f64x2.sub (f64x2.mul (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $c)) (f64x2.splat (f64.const 67108864))) (f64x2.convert_low_i32x4_u (local.get $d))) (f64x2.splat (f64.const 0x1p-52))) (f64x2.splat (f64.const 1))))
            (local.set $q01 (f64x2.add (f64x2.mul (local.get $u01) (local.get $u01)) (f64x2.mul (local.get $v01) (local.get $v01))))
            (local.set $q23 (f64x2.add (f64x2.mul (local.get $u23) (local.get $u23)) (f64x2.mul (local.get $v23) (local.get $v23))))
            (local.set $ok01 (v128.and (f64x2.lt (local.get $q01) (f64x2.splat (f64.const 1))) (f64x2.ne (local.get $q01) (f64x2.splat (f64.const 0)))))
            (local.set $ok23 (v128.and (f64x2.lt (local.get $q23) (f64x2.splat (f64.const 1))) (f64x2.ne (local.get $q23) (f64x2.splat (f64.const 0)))))
            ;; Each stream's pair, when accepted and still wanted, at its next index n_L (bytes: 8·n_L).
            (if (i32.and (i32x4.extract_lane 0 (local.get $ok01)) (i32.lt_u (local.get $n0) (local.get $e0)))
              (then
                (f64.store (i32.add (local.get $us) (i32.shl (local.get $n0) (i32.const 3))) (f64x2.extract_lane 0 (local.get $u01)))
                (f64.store (i32.add (local.get $vs) (i32.shl (local.get $n0) (i32.const 3))) (f64x2.extract_lane 0 (local.get $v01)))
                (f64.store (i32.add (local.get $ss) (i32.shl (local.get $n0) (i32.const 3))) (f64x2.extract_lane 0 (local.get $q01)))
                (local.set $n0 (i32.add (local.get $n0) (i32.const 1)))))
            (if (i32.and (i32x4.extract_lane 2 (local.get $ok01)) (i32.lt_u (local.get $n1) (local.get $e1)))
              (then
                (f64.store (i32.add (local.get $us) (i32.shl (local.get $n1) (i32.const 3))) (f64x2.extract_lane 1 (local.get $u01)))
                (f64.store (i32.add (local.get $vs) (i32.shl (local.get $n1) (i32.const 3))) (f64x2.extract_lane 1 (local.get $v01)))
                (f64.store (i32.add (local.get $ss) (i32.shl (local.get $n1) (i32.const 3))) (f64x2.extract_lane 1 (local.get $q01)))
                (local.set $n1 (i32.add (local.get $n1) (i32.const 1)))))
            (if (i32.and (i32x4.extract_lane 0 (local.get $ok23)) (i32.lt_u (local.get $n2) (local.get $e2)))
              (then
                (f64.store (i32.add (local.get $us) (i32.shl (local.get $n2) (i32.const 3))) (f64x2.extract_lane 0 (local.get $u23)))
                (f64.store (i32.add (local.get $vs) (i32.shl (local.get $n2) (i32.const 3))) (f64x2.extract_lane 0 (local.get $v23)))
                (f64.store (i32.add (local.get $ss) (i32.shl (local.get $n2) (i32.const 3))) (f64x2.extract_lane 0 (local.get $q23)))
                (local.set $n2 (i32.add (local.get $n2) (i32.const 1)))))
            (if (i32.and (i32x4.extract_lane 2 (local.get $ok23)) (i32.lt_u (local.get $n3) (local.get $e3)))
              (then
                (f64.store (i32.add (local.get $us) (i32.shl (local.get $n3) (i32.const 3))) (f64x2.extract_lane 1 (local.get $u23)))
                (f64.store (i32.add (local.get $vs) (i32.shl (local.get $n3) (i32.const 3))) (f64x2.extract_lane 1 (local.get $v23)))
                (f64.store (i32.add (local.get $ss) (i32.shl (local.get $n3) (i32.const 3))) (f64x2.extract_lane 1 (local.get $q23)))
                (local.set $n3 (i32.add (local.get $n3) (i32.const 1)))))
            (br $next)))
        (local.set $states (i32.add (local.get $states) (i32.const 64)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group))))

  ;; polar(us, vs, ss, count, out): for pairs j < count (rounded up to even: one pair past the end
  ;; may be read, and its two values written), m = √(−2·ln(s) / s) and out[2j] = u·m,
  ;; out[2j + 1] = v·m as f32. ln as in docs/seeds.md: s = m·2^e with m ∈ [√½, √2), read off the bits
  ;; (exactly the doublings' result: s is normal and scaling by 2 is exact), then the series.
  (func (export "polar") (param $us i32) (param $vs i32) (param $ss i32) (param $count i32) (param $out i32)
    (local $j i32) (local $at i32) (local $s v128) (local $m v128) (local $e v128) (local $big v128)
    (local $f v128) (local $f2 v128) (local $series v128) (local $ln v128) (local $factor v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $at (i32.shl (local.get $j) (i32.const 3)))
        (local.set $s (v128.load (i32.add (local.get $ss) (local.get $at))))
        ;; m·2^e: the mantissa with exponent 0 (in [1, 2)), halved when ≥ √2 = 2·SQRT_HALF.
        (local.set $m (v128.or (v128.and (local.get $s) (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)))
        (local.set $big (f64x2.ge (local.get $m) (f64x2.splat (f64.const 1.4142135623730951))))
        (local.set $m (v128.bitselect (f64x2.mul (local.get $m) (f64x2.splat (f64.const 0.5))) (local.get $m) (local.get $big)))
        ;; e = biased exponent − 1023, + 1 where halved (the mask is −1 there).
        (local.set $e (i64x2.sub (i64x2.sub (i64x2.shr_u (local.get $s) (i32.const 52)) (i64x2.splat (i64.const 1023))) (local.get $big)))
        (local.set $e (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $e) (local.get $e))))
        (local.set $f (f64x2.div (f64x2.sub (local.get $m) (f64x2.splat (f64.const 1))) (f64x2.add (local.get $m) (f64x2.splat (f64.const 1)))))
        (local.set $f2 (f64x2.mul (local.get $f) (local.get $f)))
        ;; Horner over 1/(2k+1), k = 11 … 0: each constant the double nearest 1/(2k+1), as in JavaScript.
        (local.set $series (f64x2.splat (f64.const 0.043478260869565216)))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.047619047619047616))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.05263157894736842))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.058823529411764705))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.06666666666666667))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.07692307692307693))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.09090909090909091))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.1111111111111111))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.14285714285714285))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.2))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 0.3333333333333333))))
        (local.set $series (f64x2.add (f64x2.mul (local.get $series) (local.get $f2)) (f64x2.splat (f64.const 1))))
        ;; ln = e·LN2_HI + (e·LN2_LO + (2·f)·series); m = √((−2·ln) / s).
        (local.set $ln
          (f64x2.add
            (f64x2.mul (local.get $e) (f64x2.splat (f64.const 0.6931471803691238)))
            (f64x2.add
              (f64x2.mul (local.get $e) (f64x2.splat (f64.const 1.9082149292705877e-10)))
              (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $f)) (local.get $series)))))
        (local.set $factor (f64x2.sqrt (f64x2.div (f64x2.mul (f64x2.splat (f64.const -2)) (local.get $ln)) (local.get $s))))
        ;; (u0·m0, v0·m0, u1·m1, v1·m1), each rounded to f32.
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (i32.add (local.get $us) (local.get $at))) (local.get $factor)))
            (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (i32.add (local.get $vs) (local.get $at))) (local.get $factor)))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $next))))
)
