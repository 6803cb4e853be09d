import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from './run-cli.js'
import { train } from './train.js'

const MNIST_ONNX = fileURLToPath(new URL('../../../models/mnist/mnist.onnx', import.meta.url))
const EMOJI_ONNX = fileURLToPath(new URL('../../../models/emoji/emoji.onnx', import.meta.url))
const EVALUATOR = fileURLToPath(new URL('../../../models/mnist/evaluator/', import.meta.url))

async function cli(...argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runCli(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) })
  return { code, stdout, stderr }
}

describe('gan-train eval', () => {
  it('prints the scores as a table, or as JSON', async () => {
    const table = await cli('eval', MNIST_ONNX, '--count', '50', '--evaluator', EVALUATOR)
    expect(table.code).toBe(0)
    expect(table.stdout[0]).toMatch(
      /mnist\.onnx: 50 samples, 28×28×1, conditional\n {2}Fréchet distance {5}[\d.]+ \(real against real: [\d.]+; the classifier's features; against 2000 held-out images\)\n {2}precision \/ recall/,
    )
    const json = await cli('eval', MNIST_ONNX, '--count', '50', '--evaluator', EVALUATOR, '--json')
    expect(JSON.parse(json.stdout[0]!)).toMatchObject({
      samples: 50,
      featureSpace: 'classifier',
      real: { count: 2000, heldOut: true },
      classifier: { heldOutAccuracy: 0.9855 },
    })
  })

  it("a colour model: thumbnail distances, the share of pixels on strong edges, colourfulness, pixel-pair contrast, the pyramid distances and the category classifier's view", async () => {
    const r = await cli('eval', EMOJI_ONNX, '--count', '20', '--data', 'emoji')
    expect(r.code).toBe(0)
    expect(r.stdout[0]).toMatch(
      /emoji\.onnx: 20 samples, 32×32×4, conditional\n.*8×8 RGB thumbnails; against 377 held-out images\)\n.*\n {2}strong edges {9}\d+\.\d % of pixels \(real images: \d+\.\d %; fewer: blurrier, more: noisier\)\n {2}colourfulness {8}\d+\.\d \(real images: \d+\.\d; 0 is grey; lower: washed out\)\n {2}pixel-pair contrast {2}0\.\d{3} \(real images: 0\.\d{3}; 0 is none, 0\.333: twice the change at one phase\)\n {2}sliced Wasserstein {3}32 px \d+\.\d, 16 px \d+\.\d \(real halves: \d+\.\d, \d+\.\d; .*\)\n {2}mean confidence {6}0\.\d{4} \(classifier: 70\.29 % right on the held-out images\)\n {2}classes {14}(\d+ ){8}\d+ \(smallest share \d+\.\d %\)\n {2}label agreement {6}\d+\.\d % \(per class: (\d+ ){8}\d+\)$/,
    )
  })

  it("a run: its discriminator's view of the training images, the held-out ones and the samples", async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'gan-eval-cli-'))
    try {
      await train({
        outDir,
        dataset: 'mnist',
        conditional: true,
        steps: 2,
        batchSize: 8,
        latentSize: 8,
        generatorFilters: [8, 4],
        discriminatorFilters: [4, 8],
        checkpointEvery: 2,
        backend: 'wasm',
      })
      const r = await cli('eval', outDir, '--count', '20', '--evaluator', EVALUATOR)
      expect(r.code).toBe(0)
      expect(r.stdout[0]).toMatch(
        /\n {2}discriminator {8}mean logit -?\d+\.\d\d on the training images, -?\d+\.\d\d held out, -?\d+\.\d\d on the samples \(r_t -?[01]\.\d\d; a held-out mean falling away from the training one: D memorises\)\n/,
      )
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })

  it('--truncation scores the samples generate() draws at that ψ, and says so', async () => {
    const r = await cli('eval', MNIST_ONNX, '--count', '50', '--evaluator', EVALUATOR, '--truncation', '0.5')
    expect(r.code).toBe(0)
    expect(r.stdout[0]).toMatch(/^.*mnist\.onnx: 50 samples, 28×28×1, conditional, truncation ψ 0\.5\n/)
  })

  it("--class-mix real draws a conditional model's classes in the real images' proportions, and says so", async () => {
    const r = await cli('eval', MNIST_ONNX, '--count', '50', '--evaluator', EVALUATOR, '--class-mix', 'real', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout[0]!)).toMatchObject({ classMix: 'real', conditional: true })
    const text = await cli('eval', MNIST_ONNX, '--count', '50', '--evaluator', EVALUATOR, '--class-mix', 'real')
    expect(text.stdout[0]).toMatch(/^.*mnist\.onnx: 50 samples, 28×28×1, conditional, classes in the real images' mix\n/)
  })

  it.each([
    [['eval'], '[gan-train] missing <run | model.onnx>'],
    [['eval', 'x.onnx', '--class-mix', 'even'], '[gan-train] --class-mix "even" is invalid: use one of seed, real.'],
    [['eval', 'x.onnx', '--count', 'many'], '[gan-train] --count "many" is invalid: pass an integer ≥ 10.'],
    [['eval', 'run', '--step', '0'], '[gan-train] --step "0" is invalid: pass the step of a kept checkpoint, e.g. --step 4000.'],
    [['eval', 'run', '--step', '4k'], '[gan-train] --step "4k" is invalid: pass the step of a kept checkpoint, e.g. --step 4000.'],
    [['eval', 'x.onnx', '--truncation', 'half'], '[gan-train] --truncation "half" is invalid: pass ψ in (0, 1], e.g. 0.7.'],
    [
      ['eval', 'x.onnx', '--truncation', '1.5'],
      '[gan-train] truncation 1.5 is invalid: pass ψ in (0, 1], e.g. 0.7 (1 turns truncation off).',
    ],
    [['eval', 'x.onnx', '--bogus'], "[gan-train] unknown option '--bogus' (gan-train eval --help lists the options)."],
  ])('%j is a usage error: exit 2, one line', async (argv, message) => {
    const r = await cli(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toHaveLength(1)
    expect(r.stderr[0]!.startsWith(message)).toBe(true)
  })
})
