#!/usr/bin/env node
// Reproduces the shipped emoji model end to end: train → export → generate with gan-sdk → score.
// Run from the repo root: `npm run train:emoji` (the options of models/reproduce.mjs, and
// --train-evaluator: first retrain the committed category classifier in models/emoji/evaluator/).
// The shipped model: 32×32 RGBA, conditional on the emoji's category (label embedding in G,
// projection D with spectral norm), hinge loss, DiffAugment translation + cutout (no colour: it
// washed the colour out; see the card), G SNGAN's residual generator (generatorBlocks) at the
// trainer's default widths at 32 (128→64) ending in a 3×3 conv at full resolution on 64 maps
// (outputFilters), D one stage deeper than its default (64→128→256), batch 64, EMA 0.999, seed 1,
// two training threads, 5,500 steps (the best of its run's checkpoints to 6,500: see the card);
// exported with float16 weights. Writes models/emoji/emoji.onnx, samples.png and eval.json (and, with
// --train-evaluator, models/emoji/evaluator/).
import { fileURLToPath } from 'node:url'
import { EMOJI_CREDIT } from '@gan-sdk/trainer'
import { reproduce } from '../reproduce.mjs'
import { rebuildEvaluator, scoreModel } from './score.mjs'

await reproduce({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  file: 'emoji.onnx',
  name: 'gan-sdk/emoji-conditional',
  description: `Category-conditional GAN (residual generator, hinge loss, DiffAugment, projection discriminator with spectral norm) trained on four in five of the Twemoji of each category (${EMOJI_CREDIT}); 32×32 RGBA in [-1, 1], labels the 9 emoji categories.`,
  license: 'CC-BY-4.0',
  // Float16 weights: half the package's share (4.4 → 2.2 MB), within two pixel levels of float32.
  exportOptions: { fp16: true },
  recipe: {
    dataset: 'emoji',
    conditional: true,
    loss: 'hinge',
    augment: ['translation', 'cutout'],
    spectralNorm: true,
    generatorBlocks: 'residual',
    outputFilters: 64,
    discriminatorFilters: [64, 128, 256],
    emaDecay: 0.999,
    workers: 2,
  },
  steps: '5500',
  out: 'runs/emoji',
  extraOptions: { 'train-evaluator': { type: 'boolean', default: false } },
  async beforeScore(args) {
    if (!args['train-evaluator']) return
    await rebuildEvaluator(undefined, {
      onEpoch: (e, loss, acc) => console.log(`evaluator epoch ${e} loss ${loss.toFixed(4)} acc ${acc.toFixed(4)}`),
    })
  },
  // Judged by the committed category classifier too (score.mjs).
  score: (modelPath, count) => scoreModel(modelPath, { count }),
  // 64 samples: seeds 0–63, each seed's own category (seed mod 9), as generate(seed) gives them.
  async samples(generator) {
    return { images: await generator.generateBatch(Array.from({ length: 64 }, (_, i) => i)), columns: 8 }
  },
})
