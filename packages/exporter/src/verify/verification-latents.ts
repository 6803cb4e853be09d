import { seedsToLatents, type LatentDistribution } from 'gan-sdk/core'

/** Latents the parity check feeds both runtimes: more than one, so batching bugs show. */
export const VERIFY_LATENTS = 8

/**
 * {@link VERIFY_LATENTS} fixed latent vectors, row-major [VERIFY_LATENTS, latentSize]: what the SDK
 * feeds the model for seeds 0…5 (its seed contract, in the model's distribution), one all-zero
 * vector (biases and BN shifts alone) and seed 7's scaled ×2.5 (the tails, where saturation and
 * clipping bugs show). Deterministic, so a parity failure reproduces.
 */
export function verificationLatents(latentSize: number, distribution: LatentDistribution): Float32Array {
  const draws = seedsToLatents([0, 1, 2, 3, 4, 5, 7], latentSize, { distribution })
  const out = new Float32Array(VERIFY_LATENTS * latentSize) // row 6 stays all zero
  out.set(draws.subarray(0, 6 * latentSize))
  out.set(
    draws.subarray(6 * latentSize).map((x) => x * 2.5),
    7 * latentSize,
  )
  return out
}
