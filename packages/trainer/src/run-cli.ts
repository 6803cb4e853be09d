import { parseFlags, runCommand, shellWord, type CliIo, type ExitCode } from '@gan-sdk/internal'
import { BACKEND_NAMES } from './backend/ladder.js'
import { COLOR_PARTS, WHOLE_POLICIES } from './augment/diff-augment.js'
import { DATASET_DEFAULTS, TRAIN_DEFAULTS } from './options.js'
import type { Terminal } from '@gan-sdk/internal'
import { createEventRenderer } from './render-events.js'
import { evalCommand } from './eval-command.js'
import { train } from './train.js'
import { resolveTrainCommandOptions, TRAIN_FLAGS } from './train-flags.js'
import { TRAINER_VERSION } from './version.js'

export type { CliIo } from '@gan-sdk/internal'
export { resolveTrainCommandOptions, type TrainCommandFlags } from './train-flags.js'

const D = TRAIN_DEFAULTS
const USAGE = `Usage: gan-train [mnist | emoji | emoji-subcategories | <folder>] [options]
       gan-train [<moved folder>] --resume <run> [--steps <n>] [--lr-decay-steps <n>]
       gan-train eval <run | model.onnx> [--count <n>] (gan-train eval --help)

Train a DCGAN with TensorFlow.js on MNIST digits (default), the built-in emoji (Twemoji, CC-BY 4.0;
classed by their 9 categories, or as emoji-subcategories by their 98 subcategories), or a folder of
your own PNG/JPEG/WebP/GIF/AVIF/TIFF images (read recursively), writing checkpoints, sample grids (samples/step-N.png,
seeds 0 … 63), metrics.jsonl, config.json and gan.json to --out; gan-export turns the run into an ONNX
model. Ctrl-C (or SIGTERM) stops after the current step and saves it.

Data:
  --out <dir>                     output directory; must be empty or new (default: runs/<dataset>: runs/mnist,
                                  runs/emoji, runs/<folder name>)
  --size <px>                     28 | 32 | 64 | 128 (default: ${DATASET_DEFAULTS.mnist.size} for mnist, ${DATASET_DEFAULTS.emoji.size} for emoji, ${DATASET_DEFAULTS.folder.size} for a folder)
  --channels <n>                  1 grey | 3 RGB | 4 RGBA (default: 1 for mnist, 4 for emoji, 3 for a folder)
  --fit <how>                     crop (the centre) | pad (the whole image) for non-square images (default: ${D.fit})
  --conditional                   one class per mnist digit, emoji (sub)category or sub-folder; gan.json lists them
Model:
  --latent-size <n>               latent vector length (default: ${D.latentSize})
  --generator-filters <list>      feature maps per ×2 upsampling stage (default: ${D.generatorFilters.join(',')} up to --size 32,
                                  256,128,64 at 64, 256,128,64,32 at 128)
  --discriminator-filters <list>  feature maps per stride-2 conv (default: ${D.discriminatorFilters.join(',')}; 64,128,256; 32,64,128,256)
  --kernel-size <n>               kernel size of D's convolutions and G's transposed ones (default: ${D.kernelSize})
  --upsampling <how>              how G's stages upsample: transposed (stride-2 transposed convolution) |
                                  nearest (copy each pixel to 2×2, then a 3×3 convolution: no pixel-pair
                                  pattern built in; 2.25× the multiply-adds at kernel size 4) (default: ${D.upsampling})
  --generator-blocks <kind>       G's ×2 stages: plain (upsampling, BN, LeakyReLU: DCGAN's) | residual (a
                                  residual block each and a 3×3 output convolution: SNGAN's ResNet
                                  generator; at 32×32 ≈ 3× G's multiply-adds with --output-filters 64, 8×
                                  without) (default: ${D.generatorBlocks})
  --generator-padding <how>       what G's convolutions see past the border: zeros (same padding) |
                                  reflect (the maps mirrored, as CycleGAN's generators pad: the border
                                  is no signal to draw fixed marks from) (default: ${D.generatorPadding})
  --output-filters <n>            end the generator with a 3×3 convolution at full resolution, on the last
                                  upsampling's n feature maps (SNGAN's generator); 0 = none (residual: the
                                  output convolution is always there, and 0 keeps the last block as wide
                                  as the last generator filter) (default: ${D.outputFilters})
  --discriminator-input-filters <n>
                                  start the discriminator with a 3×3 convolution of n maps at full
                                  resolution (SNGAN's discriminator); 0 = none (default: ${D.discriminatorInputFilters})
  --label-conditioning <how>      with --conditional: how the generator takes the class: multiply (an
                                  embedding scales the latent) | concat (appended to it) | batchnorm (each
                                  batch norm's scale and shift per class) (default: ${D.labelConditioning})
  --spectral-norm                 spectral normalisation in the discriminator
  --spectral-norm-projection      with --spectral-norm and --conditional: normalise the projection's class
                                  embedding too (SNGAN-projection, BigGAN)
  --pretrained-features           a second judge in the discriminator on a frozen MobileNetV2's features
                                  (Projected GAN, Vision-aided GAN), for small datasets
  --feature-judge <how>           with --pretrained-features: linear (each map's mean, one linear logit) |
                                  projected (fixed random projections and a conv head per map, as Projected
                                  GAN) (default: ${D.featureJudge})
  --feature-upsampling <n>        with --pretrained-features: enlarge the images n times (bilinear) for the
                                  frozen network, nearer the 224 px it learnt at (default: ${D.featureUpsampling})
  --class-loss <w>                with --conditional: weight of an auxiliary classifier loss (AC-GAN) that
                                  ties images to their labels, 0 = none (default: ${D.classLoss})
Training:
  --steps <n>                     total training steps (default: ${D.steps})
  --batch-size <n>                images per step, at most the dataset's size (default: ${D.batchSize})
  --lr <x>                        Adam learning rate, in (0, 1) (default: ${D.learningRate})
  --d-lr <x>                      the discriminator's own rate, e.g. 4e-4 with --lr 1e-4 (TTUR) (default: --lr)
  --lr-decay-steps <n>            anneal the rates linearly to 0 over the last n steps (default: ${D.learningRateDecaySteps}, constant)
  --beta1 <x>                     Adam β1, in [0, 1): 0 is SNGAN's and BigGAN's (default: ${D.beta1})
  --loss <name>                   ns (non-saturating) | hinge (default: ${D.loss})
  --augment <list>                DiffAugment policies: ${WHOLE_POLICIES.join(',')}; or of color only some
                                  of its parts: ${COLOR_PARTS.join(',')} (default: none)
  --mirror                        also train on each image flipped left to right (doubles a small dataset;
                                  not for images with a side: text, flags, digits)
  --lecam <w>                     weight of the LeCam penalty in D's loss, for small datasets (0.3 in its
                                  paper, beside --augment), 0 = none (default: ${D.lecam})
  --reconstruction <w>            weight of a reconstruction loss in D's loss: D gains a decoder that rebuilds
                                  the real images from its features (FastGAN's self-supervised D, for small
                                  datasets), 0 = none (default: ${D.reconstruction})
  --top-k <share>                 top-k generator updates: G learns from the fakes D scores highest, a
                                  share shrinking 0.99× per epoch to this, in (0, 1] (0.5–0.75 in its
                                  paper), 1 = all (default: ${D.topK})
  --blur-steps <n>                blur the images D sees (σ 1 px, fading to none) for the first n steps,
                                  as Projected GAN does, 0 = none (default: ${D.blurSteps})
  --ema <decay>                   generator weight EMA decay in [0, 1), 0 = raw weights (default: ${D.emaDecay})
  --standing-stats <n>            batches to re-estimate the exported generator's BatchNorm statistics on
                                  before each sample grid and checkpoint, 0 = keep the moving averages
                                  (default: ${D.standingStats})
  --seed <n>                      seed of initialisers, data order, latents, augmentation (default: ${D.seed})
  --sample-every <n>              steps between sample grids (default: ${D.sampleEvery})
  --checkpoint-every <n>          steps between checkpoints (default: ${D.checkpointEvery})
  --keep-checkpoints <n>          the newest checkpoints to keep, to score or export an earlier one
                                  (--step), 0 = all (default: ${D.keepCheckpoints})
  --log-every <n>                 steps between loss lines and metrics (default: ${D.logEvery})
  --backend <name>                auto | ${BACKEND_NAMES.join(' | ')} (default: ${D.backend})
  --no-fast-kernels               on wasm, use neither the ONNX Runtime kernels nor the sub-pixel
                                  Conv2DBackpropInput (for benchmarks)
  --workers <n|auto>              replicas training each batch in parallel threads; auto: one per core
                                  on wasm/cpu, 1 on tfjs-node (default: ${D.workers})
Run:
  --name <name>                   model name recorded in gan.json (default: <dataset>-dcgan)
  --license <spdx>                licence of the trained weights in gan.json (default: the dataset's)
  --resume <run>                  continue that run from its last checkpoint; --steps sets the new total,
                                  --lr-decay-steps anneals it
  --init-from <run>               start a new run from that run's weights (its last checkpoint): the same
                                  model options, with or without --pretrained-features; images may differ
                                  (fine-tuning); fresh optimizers, steps counted from 0
  --init-step <n>                 with --init-from: start from its kept checkpoint of step n
  --force                         replace the run in a non-empty --out
  --json                          print events as NDJSON
  -h, --help                      show this help
  --version                       print the version

Examples: gan-train mnist --steps 12000 --out runs/mnist
          gan-train ./photos --size 64 --augment translation,cutout,color --out runs/photos
          gan-train --resume runs/photos --steps 20000`

export interface RunCliOptions {
  /** Aborting it stops training after the current step, which is saved; the command then exits 130. The bin wires SIGINT and SIGTERM to it. */
  signal?: AbortSignal
  /** Draw a progress bar here instead of a line per logged step: the bin passes stderr on an interactive terminal outside CI. */
  terminal?: Terminal
}

/**
 * Run `gan-train` on `argv` (without the node and script paths); resolves to the exit code: 0 done,
 * 1 failed, 2 a wrong command line, 130 stopped by `signal` (after saving the last step). Every
 * failure is one line on stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<ExitCode> {
  const json = argv.includes('--json')
  return runCommand(
    async () => {
      if (argv[0] === 'eval') return evalCommand(argv.slice(1), io)
      const { values, positionals } = parseFlags(argv, TRAIN_FLAGS, 1)
      if (values.help || values.version) {
        io.stdout(values.help ? USAGE : TRAINER_VERSION)
        return 0
      }
      const trainOptions = resolveTrainCommandOptions(values, positionals[0])
      const renderer = createEventRenderer(io, { json: values.json ?? false, terminal: options.terminal })
      let result
      try {
        result = await train({ ...trainOptions, signal: options.signal, onEvent: renderer.onEvent })
      } finally {
        renderer.stop()
      }
      if (options.signal?.aborted) {
        const saved =
          result.steps > result.startStep ? `that step is saved in ${result.outDir}` : 'nothing was trained, so nothing was saved'
        // A run with a checkpoint (this one's, or the one it resumed) continues from it.
        const next = result.steps > 0 ? ` Continue with: gan-train --resume ${shellWord(result.outDir)}` : ''
        io.stderr(`[gan-train] interrupted after step ${result.steps}; ${saved}.${next}`)
        return 130
      }
      return 0
    },
    { tool: 'gan-train', io, json, usageCodes: ['ERR_INVALID_OPTION'], ...(argv[0] === 'eval' ? { help: 'gan-train eval --help' } : {}) },
  )
}
