import { writeLayersModelFiles } from '@gan-sdk/internal'
import type { io } from '@tensorflow/tfjs-core'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OPSET_VERSION } from '../convert/onnx-graph.js'
import { ExportError } from '../errors.js'

/** The programs the tf2onnx engine runs, as found on PATH. */
export interface Tf2onnxTools {
  converter: string
  python: string
}

export interface Command {
  command: string
  args: string[]
}

const INSTALL = 'pip install tensorflowjs tf2onnx (Python 3 with TensorFlow)'

/**
 * Find tensorflowjs_converter and a python3 that imports tf2onnx on `env`'s PATH; throws ERR_ENGINE
 * naming what is missing and how to install it.
 */
export function findTf2onnxTools(env: NodeJS.ProcessEnv = process.env): Tf2onnxTools {
  const tools: Tf2onnxTools = { converter: 'tensorflowjs_converter', python: 'python3' }
  const runs = (command: string, args: string[]) => spawnSync(command, args, { env, stdio: 'ignore' }).status === 0
  const missing = [
    runs(tools.converter, ['--version']) ? undefined : 'tensorflowjs_converter',
    runs(tools.python, ['-c', 'import tf2onnx']) ? undefined : 'python3 with the tf2onnx module',
  ].filter((m) => m !== undefined)
  if (missing.length > 0) {
    throw new ExportError(
      'ERR_ENGINE',
      `the tf2onnx engine needs ${missing.join(' and ')} on PATH, and ${missing.length === 1 ? 'it is' : 'they are'} not there. Install them: ${INSTALL}. Or export with the native engine (the default), which needs neither.`,
    )
  }
  return tools
}

/**
 * The two conversions, in order: the TF.js layers model to a TF.js graph model (tensorflowjs_converter),
 * then the graph model to ONNX at the exporter's opset (tf2onnx, which reads only graph models).
 */
export function tf2onnxCommands(tools: Tf2onnxTools, paths: { layersModel: string; graphModel: string; onnx: string }): Command[] {
  return [
    {
      command: tools.converter,
      args: [
        '--input_format=tfjs_layers_model',
        '--output_format=tfjs_graph_model',
        join(paths.layersModel, 'model.json'),
        paths.graphModel,
      ],
    },
    {
      command: tools.python,
      args: [
        '-m',
        'tf2onnx.convert',
        '--tfjs',
        join(paths.graphModel, 'model.json'),
        '--output',
        paths.onnx,
        '--opset',
        String(OPSET_VERSION),
      ],
    },
  ]
}

/**
 * Convert with TensorFlow's tools in a temporary directory (removed afterwards): save the layers
 * model, run {@link tf2onnxCommands}, return tf2onnx's ONNX bytes as it wrote them. A failing tool is
 * ERR_ENGINE with the end of its error output.
 */
export async function runTf2onnx(artifacts: io.ModelArtifacts, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const tools = findTf2onnxTools(env)
  const dir = await mkdtemp(join(tmpdir(), 'gan-export-tf2onnx-'))
  try {
    const paths = { layersModel: join(dir, 'layers'), graphModel: join(dir, 'graph'), onnx: join(dir, 'model.onnx') }
    await writeLayersModelFiles(paths.layersModel, artifacts)
    for (const { command, args } of tf2onnxCommands(tools, paths)) await run(command, args, env)
    return new Uint8Array(await readFile(paths.onnx))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err === null) return resolve()
      const tail = String(stderr).trim().split('\n').slice(-5).join(' ⏎ ')
      reject(
        new ExportError(
          'ERR_ENGINE',
          `${command} failed (${err.code ?? err.message}): ${tail || 'no error output'}. A model with custom layers (SpectralNormalization), which TensorFlow's converter does not know, exports with the native engine.`,
          { cause: err },
        ),
      )
    })
  })
}
