// Extracts the frozen feature network of `--pretrained-features` from the npm package nsfwjs 4.4.0
// (MIT): its MobileNetV2 (Keras, α 1.0, fine-tuned from ImageNet on nsfwjs's five classes, one of
// them drawings) up to block 5, with each batch normalisation folded into the convolution before it.
// Writes packages/trainer/assets/mobilenet-v2/{weights.bin,model.json}: the folded weights, and the
// original network's outputs at the tapped blocks on a fixed input, which the builder's test
// (src/models/mobilenet-v2.test.ts) reproduces. Run `node packages/trainer/scripts/extract-mobilenet.mjs`
// (it runs `npm pack`, so it needs the registry).
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import '@tensorflow/tfjs-backend-cpu'
import { writeFileAtomic } from '@gan-sdk/internal'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE = 'nsfwjs@4.4.0'
/** The last block kept, and the blocks whose outputs the discriminator reads (Keras names). */
const LAST = 'block_5_add'
const TAPS = ['expanded_conv_project_BN', 'block_2_add', 'block_5_add']
const OUT = fileURLToPath(new URL('../assets/mobilenet-v2/', import.meta.url))

await tf.setBackend('cpu')
const temp = await mkdtemp(join(tmpdir(), 'gan-mobilenet-'))
try {
  execFileSync('npm', ['pack', PACKAGE, '--pack-destination', temp, '--silent'], { stdio: ['ignore', 'pipe', 'inherit'] })
  execFileSync('tar', ['-xzf', join(temp, 'nsfwjs-4.4.0.tgz'), '-C', temp])
  const require = createRequire(join(temp, 'package', 'package.json'))
  const { modelTopology, weightsManifest } = require('./dist/models/mobilenet_v2/model.min.js')
  const shard = Buffer.from(require('./dist/models/mobilenet_v2/group1-shard1of1.min.js'), 'base64')
  const licence = await readFile(join(temp, 'package', 'LICENSE'), 'utf8')

  // The original network, cut after LAST, at 32×32, with outputs at the taps.
  const topology = structuredClone(modelTopology)
  const config = topology.model_config.config
  config.layers = config.layers.slice(0, config.layers.findIndex((l) => l.name === LAST) + 1)
  config.layers[0].config.batch_input_shape = [null, 32, 32, 3]
  config.output_layers = TAPS.map((name) => [name, 0, 0])
  const weightData = shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength)
  const original = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: topology, weightSpecs: weightsManifest[0].weights, weightData }),
    {
      strict: false,
    },
  )

  // Fold each BatchNormalization into the convolution it follows: W·s, β − μ·s, s = γ / √(σ² + ε).
  const folded = {}
  for (const layer of config.layers) {
    if (layer.class_name !== 'BatchNormalization') continue
    const conv = original.getLayer(layer.inbound_nodes[0][0][0])
    const [gamma, beta, mean, variance] = original.getLayer(layer.name).getWeights()
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, layer.config.epsilon)))
    const [kernel] = conv.getWeights()
    const isDepthwise = conv.getClassName() === 'DepthwiseConv2D'
    // A depthwise kernel is [kh, kw, channels, 1]; a convolution's [kh, kw, in, out].
    const scaled = isDepthwise ? tf.mul(kernel, tf.reshape(scale, [1, 1, -1, 1])) : tf.mul(kernel, scale)
    folded[`${conv.name}/${isDepthwise ? 'depthwise_kernel' : 'kernel'}`] = scaled
    folded[`${conv.name}/bias`] = tf.sub(beta, tf.mul(mean, scale))
  }
  const { data, specs } = await tf.io.encodeWeights(folded)

  // The reference: the original network's tap outputs on a fixed input, two smooth colour images.
  const input = tf.tidy(() => {
    const [y, x] = tf.meshgrid(tf.linspace(0, 1, 32), tf.linspace(0, 1, 32), { indexing: 'ij' })
    const image = (a, b) => tf.stack([tf.mul(y, a), tf.mul(x, b), tf.abs(tf.sin(tf.mul(tf.add(x, y), 6 * b)))], 2)
    return tf.stack([image(1, 0.5), image(0.3, 1)])
  })
  const outputs = original.predict(input)
  const reference = await Promise.all(
    outputs.map(async (t, i) => ({ tap: TAPS[i], shape: t.shape, values: Buffer.from((await t.data()).buffer).toString('base64') })),
  )

  const bin = new Uint8Array(data)
  const model = {
    source: `${PACKAGE} (npm), dist/models/mobilenet_v2: MobileNetV2 (Keras, alpha 1.0) up to ${LAST}, batch normalisation folded`,
    license: 'MIT',
    licenseText: licence,
    input: 'RGB in [0, 1], NHWC',
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    weightSpecs: specs,
    reference: { input: 'scripts/extract-mobilenet.mjs: two 32×32 gradients', outputs: reference },
  }
  await mkdir(OUT, { recursive: true })
  await writeFileAtomic(join(OUT, 'weights.bin'), bin)
  await writeFileAtomic(join(OUT, 'model.json'), `${JSON.stringify(model, null, 1)}\n`)
  console.log(`wrote ${OUT}: ${specs.length} tensors, ${bin.byteLength} bytes`)
} finally {
  await rm(temp, { recursive: true, force: true })
}
