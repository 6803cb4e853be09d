;; Float model output → RGBA bytes, with WebAssembly SIMD: the per-pixel hot loop of every batch.
;; Compiled to pixels-wasm.ts by `npm run build:wasm -w gan-sdk` (wabt); pixels.test.ts checks that
;; the committed bytes are this file's. The JavaScript side (pixels.ts) owns the memory layout.
;;
;; Every kernel works in whole blocks (4 values for bytes and rgb, 16 pixels for grey and planes)
;; and may read and write up to one block past the end of its data, 64 bytes at most; pixels.ts
;; leaves that much slack after each region and ignores what lands there.
(module
  (memory (export "memory") 1)

  ;; bytes(src, dst, n, scale, shift): n floats at src → n bytes at dst, each
  ;; clamp(trunc(x · scale + shift), 0, 255) with x · scale + shift computed in f64, exactly as
  ;; JavaScript computes it. Saturating conversions clamp: NaN → 0, ±∞ → 0 / 255.
  (func (export "bytes") (param $src i32) (param $dst i32) (param $n i32) (param $scale f64) (param $shift f64)
    (local $s v128) (local $h v128) (local $end i32) (local $x v128) (local $q v128)
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $h (f64x2.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $dst) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        ;; Four floats: each half widened to f64x2, scaled, shifted, truncated to i32, rejoined.
        (local.set $x (v128.load (local.get $src)))
        (local.set $q
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero
              (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (local.get $s)) (local.get $h)))
            (i32x4.trunc_sat_f64x2_s_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
                  (local.get $s))
                (local.get $h)))))
        ;; Saturating narrowings i32 → i16 → u8 clamp to 0 … 255; lanes 0–3 hold the four bytes.
        (local.set $q (i16x8.narrow_i32x4_s (local.get $q) (local.get $q)))
        (i32.store (local.get $dst) (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (local.get $q) (local.get $q))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $next))))

  ;; grey(src, dst, pixels): one byte per pixel → opaque RGBA words, the byte in R, G and B.
  (func (export "grey") (param $src i32) (param $dst i32) (param $pixels i32)
    (local $b v128) (local $end i32) (local $alpha v128)
    (local.set $alpha (i32x4.splat (i32.const 0xff000000)))
    (local.set $end (i32.add (local.get $src) (local.get $pixels)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $b (v128.load (local.get $src)))
        ;; Lane index 16 selects zero: the alpha byte, then set by the OR.
        (v128.store offset=0 (local.get $dst)
          (v128.or (local.get $alpha) (i8x16.swizzle (local.get $b) (v128.const i8x16 0 0 0 16 1 1 1 16 2 2 2 16 3 3 3 16))))
        (v128.store offset=16 (local.get $dst)
          (v128.or (local.get $alpha) (i8x16.swizzle (local.get $b) (v128.const i8x16 4 4 4 16 5 5 5 16 6 6 6 16 7 7 7 16))))
        (v128.store offset=32 (local.get $dst)
          (v128.or (local.get $alpha) (i8x16.swizzle (local.get $b) (v128.const i8x16 8 8 8 16 9 9 9 16 10 10 10 16 11 11 11 16))))
        (v128.store offset=48 (local.get $dst)
          (v128.or (local.get $alpha) (i8x16.swizzle (local.get $b) (v128.const i8x16 12 12 12 16 13 13 13 16 14 14 14 16 15 15 15 16))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $next))))

  ;; rgb(src, dst, pixels): interleaved RGB bytes (NHWC) → opaque RGBA words, 4 pixels per step.
  (func (export "rgb") (param $src i32) (param $dst i32) (param $pixels i32)
    (local $end i32) (local $alpha v128)
    (local.set $alpha (i32x4.splat (i32.const 0xff000000)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $pixels) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst)
          (v128.or (local.get $alpha)
            (i8x16.swizzle (v128.load (local.get $src)) (v128.const i8x16 0 1 2 16 3 4 5 16 6 7 8 16 9 10 11 16))))
        (local.set $src (i32.add (local.get $src) (i32.const 12)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next))))

  ;; planes(src, dst, count, pixels, alpha): `count` images of planar bytes (NCHW: R, G, B and,
  ;; when alpha is 1, A planes of `pixels` bytes each, image after image) → RGBA words, image after
  ;; image. Blocks past an image's end write into the next image's words, which are written after.
  (func (export "planes") (param $src i32) (param $dst i32) (param $count i32) (param $pixels i32) (param $alpha i32)
    (local $p i32) (local $r v128) (local $g v128) (local $b v128) (local $a v128) (local $rg v128) (local $ba v128)
    (local $image i32) (local $at i32) (local $out i32)
    (block $images_done
      (loop $image_next
        (br_if $images_done (i32.ge_u (local.get $image) (local.get $count)))
        (local.set $p (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $pixels)))
            (local.set $at (i32.add (local.get $src) (local.get $p)))
            (local.set $r (v128.load (local.get $at)))
            (local.set $g (v128.load (i32.add (local.get $at) (local.get $pixels))))
            (local.set $b (v128.load (i32.add (local.get $at) (i32.shl (local.get $pixels) (i32.const 1)))))
            (local.set $a
              (if (result v128) (local.get $alpha)
                (then (v128.load (i32.add (local.get $at) (i32.mul (local.get $pixels) (i32.const 3)))))
                (else (i8x16.splat (i32.const 255)))))
            (local.set $out (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 2))))
            ;; Interleave R with G and B with A byte by byte, then those pairs 16 bits at a time.
            (local.set $rg (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $r) (local.get $g)))
            (local.set $ba (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $b) (local.get $a)))
            (v128.store offset=0 (local.get $out) (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $rg) (local.get $ba)))
            (v128.store offset=16 (local.get $out) (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $rg) (local.get $ba)))
            (local.set $rg (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $r) (local.get $g)))
            (local.set $ba (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $b) (local.get $a)))
            (v128.store offset=32 (local.get $out) (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $rg) (local.get $ba)))
            (v128.store offset=48 (local.get $out) (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $rg) (local.get $ba)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $next)))
        (local.set $src (i32.add (local.get $src) (i32.mul (local.get $pixels) (i32.add (i32.const 3) (local.get $alpha)))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $pixels) (i32.const 2))))
        (local.set $image (i32.add (local.get $image) (i32.const 1)))
        (br $image_next))))
)
