import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

export interface GeneratorEma {
  /** A generator whose weights are the running average; sample, save and export this one. */
  model: tfl.LayersModel
  /** Fold the live generator's current weights into the average. */
  update(step: number): void
}

/**
 * Exponential moving average of `live`'s weights, kept in `shadow` (same architecture). Trainable
 * weights are averaged; BatchNorm moving statistics are already averages and are copied. The
 * decay ramps up as min(decay, (1 + step) / (10 + step)) so early averages are not stuck at the
 * random initialisation. `shadow` starts as a copy of `live`, unless `resume` (it holds a saved
 * average); `age` is the steps that average had before this run's first (a warm start's), from
 * which the ramp goes on.
 */
export function createEma(
  live: tfl.LayersModel,
  shadow: tfl.LayersModel,
  decay: number,
  options: { resume?: boolean; age?: number } = {},
): GeneratorEma {
  const age = options.age ?? 0
  const trainable = new Set(live.trainableWeights.map((w) => w.name))
  const pairs = live.weights.map((w, i) => ({ src: w, dst: shadow.weights[i]!, average: trainable.has(w.name) }))
  if (!options.resume) shadow.setWeights(live.getWeights())
  return {
    model: shadow,
    update(step) {
      const d = Math.min(decay, (1 + age + step) / (10 + age + step))
      tf.tidy(() => {
        for (const { src, dst, average } of pairs) {
          const value = src.read()
          dst.write(average && d > 0 ? tf.add(tf.mul(dst.read(), d), tf.mul(value, 1 - d)) : value.clone())
        }
      })
    },
  }
}
