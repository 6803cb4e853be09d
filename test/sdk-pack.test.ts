import { decode } from 'fast-png'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const SDK = fileURLToPath(new URL('../packages/sdk/', import.meta.url))
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))

// What users get is what is tested: the packed tarball, installed into an empty project from the
// registry (its dependencies) and the tarball (gan-sdk itself), used as a user would.
describe('gan-sdk as packed by npm', () => {
  it(
    'ships only what it needs, installs into an empty project, and generate(42) and the CLI work there',
    { timeout: 600_000 },
    async () => {
      const dest = await mkdtemp(join(tmpdir(), 'gan-pack-'))
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: SDK })
      const [packed] = JSON.parse(stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>
      const files = packed!.files.map((f) => f.path).sort()
      expect(
        files.every((f) =>
          /^(LICENSE|README\.md|package\.json|vite-client\.d\.ts|bin\/gan-sdk\.js|assets\/(mnist|emoji)\.(onnx|json)|dist\/[\w.-]+\.(js|d\.ts|js\.map))$/.test(
            f,
          ),
        ),
      ).toBe(true)
      for (const needed of [
        'LICENSE',
        'README.md',
        'assets/mnist.onnx',
        'assets/mnist.json',
        'assets/emoji.onnx',
        'assets/emoji.json',
        'bin/gan-sdk.js',
        'dist/write-worker.js',
        'dist/index.node.js',
        'dist/index.core.js',
        'dist/session-worker.js',
      ]) {
        expect(files).toContain(needed)
      }

      const project = await mkdtemp(join(tmpdir(), 'gan-user-'))
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }))
      // As this repository's .npmrc does: onnxruntime-node's install script would download CUDA binaries.
      await writeFile(join(project, '.npmrc'), 'onnxruntime-node-install=skip\n')
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dest, packed!.filename)], { cwd: project })

      const script =
        "import { generate } from 'gan-sdk'; import { writeFile } from 'node:fs/promises'; const img = await generate(42); await writeFile('digit.png', img.toPNG())"
      await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project })
      const png = decode(await readFile(join(project, 'digit.png')))
      expect([png.width, png.height, png.channels]).toEqual([28, 28, 1])

      // A browser TypeScript project (the README's tsconfig) type-checks against the browser build's types.
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            target: 'es2022',
            module: 'esnext',
            moduleResolution: 'bundler',
            customConditions: ['browser'],
            lib: ['es2022', 'dom'],
          },
          files: ['page.ts'],
        }),
      )
      await writeFile(
        join(project, 'page.ts'),
        "import { Generator } from 'gan-sdk'\nconst g = await Generator.load('/models/my-gan.onnx', { worker: true, wasmPaths: '/ort/' })\nconst threads: number = Generator.wasmThreads\nconst image = await g.generate(42)\nimage.drawTo(document.createElement('canvas'))\nexport { threads }\n",
      )
      await run(process.execPath, [TSC, '-p', project])

      await run('npx', ['gan-sdk', 'generate', '--seed', '1', '--count', '3', '--out', 'out'], { cwd: project })
      expect((await readdir(join(project, 'out'))).sort()).toEqual(['1.png', '2.png', '3.png'])
      await run('npx', ['gan-sdk', 'generate', '--model', 'emoji', '--label', 'flags', '--out', 'flags'], { cwd: project })
      const flag = decode(await readFile(join(project, 'flags', '0-flags.png')))
      expect([flag.width, flag.height, flag.channels]).toEqual([32, 32, 4])
    },
  )
})
