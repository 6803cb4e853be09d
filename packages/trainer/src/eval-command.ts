import { parseFlags, plainNumber, UsageError, type CliIo } from '@gan-sdk/internal'
import { describeValue } from 'gan-sdk/core'
import { TrainError } from './errors.js'
import { CLASS_MIXES, type ClassMix } from './eval/class-mix.js'
import { evaluate, type Evaluation } from './eval/evaluate.js'
import { choice } from './train-flags.js'

export const EVAL_USAGE = `Usage: gan-train eval <run | model.onnx> [options]

Score a generator on seeds 0 … count−1 against real images: the Fréchet distance and improved
precision/recall (k = 3) in a feature space; with a scoring classifier of the real images' classes
its view (mean confidence, class histogram, label agreement for conditional models); for a run, its
discriminator's mean logit on the training images, the held-out ones and the samples; unless digits
are scored in a classifier's features, the share of pixels on strong edges beside the real
images' (blur lowers it, speckle raises it), their colourfulness (Hasler and Süsstrunk's;
washed-out colour lowers it), their pixel-pair contrast (the pattern a stride-2 transposed
convolution leaves in the image it makes; 0 is none) and the sliced Wasserstein distance of 7×7
patches per Laplacian pyramid level (ProGAN's; the finest level sees sharpness and detail, the
coarsest colour and layout).

Options:
  --count <n>        samples to score (default: 1000)
  --step <n>         a run's kept checkpoint of step n, not its latest (gan-train --keep-checkpoints)
  --evaluator <dir>  scoring classifier of the real images' classes; for digit models against mnist
                     its features are the distance space (default: ./models/mnist/evaluator for
                     28×28 grey models against mnist, ./models/emoji/evaluator for 32×32 RGBA ones
                     against emoji, when it exists)
  --data <data>      the real images: mnist, emoji (the held-out emoji; emoji-subcategories: the same) or a
                     folder (default: the run's dataset)
  --truncation <ψ>   draw the samples with the truncation trick, ψ in (0, 1], as generate() does
                     (default: 1, off)
  --class-mix <mix>  conditional models: seed (each seed's own class, evenly over the classes, as
                     generate() draws them) | real (the real images' proportions, to compare class
                     mixes on equal terms, e.g. with an unconditional model) (default: seed)
  --json             print the result as JSON
  -h, --help         show this help`

const FLAGS = {
  count: { type: 'string' },
  step: { type: 'string' },
  evaluator: { type: 'string' },
  data: { type: 'string' },
  truncation: { type: 'string' },
  'class-mix': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `gan-train eval …`: prints the scores (a table, or JSON). */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<0> {
  const { values, positionals } = parseFlags(argv, FLAGS, 1)
  if (values.help) {
    io.stdout(EVAL_USAGE)
    return 0
  }
  const [input] = positionals
  if (input === undefined) throw new UsageError('missing <run | model.onnx>: the training run directory or exported generator to score')
  const count = values.count === undefined ? undefined : plainNumber(values.count, true)
  if (count !== undefined && Number.isNaN(count))
    throw new TrainError('ERR_INVALID_OPTION', `--count ${describeValue(values.count)} is invalid: pass an integer ≥ 10.`)
  const step = values.step === undefined ? undefined : plainNumber(values.step, true)
  if (step !== undefined && !(step >= 1))
    throw new TrainError(
      'ERR_INVALID_OPTION',
      `--step ${describeValue(values.step)} is invalid: pass the step of a kept checkpoint, e.g. --step 4000.`,
    )
  const truncation = values.truncation === undefined ? undefined : plainNumber(values.truncation, false)
  if (truncation !== undefined && Number.isNaN(truncation))
    throw new TrainError('ERR_INVALID_OPTION', `--truncation ${describeValue(values.truncation)} is invalid: pass ψ in (0, 1], e.g. 0.7.`)
  const result = await evaluate({
    input,
    ...(count !== undefined ? { count } : {}),
    ...(step !== undefined ? { step } : {}),
    ...(values.evaluator !== undefined ? { evaluator: values.evaluator } : {}),
    ...(values.data !== undefined ? { data: values.data } : {}),
    ...(truncation !== undefined ? { truncation } : {}),
    ...(values['class-mix'] !== undefined ? { classMix: choice('class-mix', values['class-mix'], CLASS_MIXES) as ClassMix } : {}),
  })
  io.stdout(values.json ? JSON.stringify(result) : describe(result))
  return 0
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`

function describe(r: Evaluation): string {
  const lines = [
    `${r.input}${r.step === undefined ? '' : ` at step ${r.step}`}: ${r.samples} samples, ${r.image.width}×${r.image.height}×${r.image.channels}${r.conditional ? ', conditional' : ''}${r.truncation < 1 ? `, truncation ψ ${r.truncation}` : ''}${r.conditional && r.classMix === 'real' ? ", classes in the real images' mix" : ''}`,
    `  Fréchet distance     ${r.frechetDistance.toFixed(2)} (real against real: ${r.realFrechetDistance.toFixed(2)}; ${r.featureSpace === 'classifier' ? "the classifier's features" : '8×8 RGB thumbnails'}; against ${r.real.count} ${r.real.heldOut ? 'held-out' : 'training'} images)`,
    `  precision / recall   ${r.precision.toFixed(3)} / ${r.recall.toFixed(3)} (k = 3)`,
  ]
  if (r.edges)
    lines.push(
      `  strong edges         ${pct(r.edges.samples)} of pixels (real images: ${pct(r.edges.real)}; fewer: blurrier, more: noisier)`,
    )
  if (r.colourfulness)
    lines.push(
      `  colourfulness        ${r.colourfulness.samples.toFixed(1)} (real images: ${r.colourfulness.real.toFixed(1)}; 0 is grey; lower: washed out)`,
    )
  if (r.pixelPairContrast)
    lines.push(
      `  pixel-pair contrast  ${r.pixelPairContrast.samples.toFixed(3)} (real images: ${r.pixelPairContrast.real.toFixed(3)}; 0 is none, 0.333: twice the change at one phase)`,
    )
  if (r.slicedWasserstein)
    lines.push(
      `  sliced Wasserstein   ${r.slicedWasserstein.map((l) => `${l.size} px ${l.samples.toFixed(1)}`).join(', ')} (real halves: ${r.slicedWasserstein.map((l) => l.real.toFixed(1)).join(', ')}; ×10³ per pyramid level: the finest sees detail, the coarsest colour)`,
    )
  if (r.discriminator) {
    const d = r.discriminator
    const logit = (s: { meanLogit: number }) => s.meanLogit.toFixed(2)
    lines.push(
      `  discriminator        mean logit ${logit(d.training)} on the training images${d.heldOut ? `, ${logit(d.heldOut)} held out` : ''}, ${logit(d.samples)} on the samples (r_t ${d.training.signMean.toFixed(2)}; a held-out mean falling away from the training one: D memorises)`,
    )
  }
  if (r.classifier) {
    const c = r.classifier
    lines.push(
      `  mean confidence      ${c.meanConfidence.toFixed(4)} (classifier: ${(c.heldOutAccuracy * 100).toFixed(2)} % right on the ${r.real.heldOut ? 'held-out' : 'real'} images)`,
      `  classes              ${c.histogram.join(' ')} (smallest share ${pct(c.minClassShare)})`,
    )
    if (c.labelAgreement !== undefined)
      lines.push(
        `  label agreement      ${pct(c.labelAgreement)} (per class: ${c.labelAgreementByClass!.map((a) => (a * 100).toFixed(0)).join(' ')})`,
      )
  }
  return lines.join('\n')
}
