import { Generator, grid } from 'gan-sdk'

const $ = (id) => document.getElementById(id)
const status = (text, error = false) => {
  $('status').textContent = text
  $('status').classList.toggle('error', error)
}
/** Digits are integer seeds, anything else a string seed (as the CLI reads them). */
const seedOf = (text) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text)

let generator
let source = 'mnist'
/** What the status line says about the loaded model; timings follow it. */
let modelLine = ''
let lastGrid
let walk

async function load() {
  status('Loading the model…')
  await generator?.dispose()
  generator = undefined
  try {
    generator = await Generator.load(source, { device: $('device').value, worker: $('worker').checked })
  } catch (err) {
    status(err.message, true)
    return
  }
  const { labels, labelInput, width, height, name } = generator.info
  $('label-row').hidden = labelInput === undefined
  $('label').replaceChildren(new Option('from the seed', ''), ...labels.map((l) => new Option(l, l)))
  const skipped = generator.fallbacks.map((f) => `${f.device}: ${f.reason}`).join('; ')
  modelLine = `${name}, ${width}×${height} on ${generator.device}${skipped ? ` (skipped ${skipped})` : ''}`
  status(`${modelLine}.`)
  await render()
}

async function render() {
  if (generator === undefined) return
  const seed = seedOf($('seed').value)
  const options = { truncation: Number($('psi').value), ...($('label').value ? { label: $('label').value } : {}) }
  try {
    const seeds = typeof seed === 'number' ? Array.from({ length: 16 }, (_, i) => seed + i) : [seed]
    const started = performance.now()
    const images = await generator.generateBatch(seeds, options)
    const ms = performance.now() - started
    lastGrid = grid(images, { columns: 4, padding: 2 })
    draw($('grid'), lastGrid)
    $('first-seed').textContent = String(seed)
    $('download').disabled = false
    const target = seedOf($('seed-b').value)
    const frames = await generator.interpolate(seed, target, 24, options)
    $('from').textContent = String(seed)
    $('to').textContent = String(target)
    draw($('walk'), frames[0])
    animate(frames)
    status(`${modelLine} — ${(ms / images.length).toFixed(2)} ms per image.`)
  } catch (err) {
    status(err.message, true)
  }
}

function draw(canvas, image) {
  canvas.width = image.width
  canvas.height = image.height
  image.drawTo(canvas)
}

/** Plays the interpolation back and forth. */
function animate(frames) {
  cancelAnimationFrame(walk)
  let i = 0
  let step = 1
  let last = 0
  const tick = (t) => {
    if (t - last > 80) {
      draw($('walk'), frames[i])
      if (i + step < 0 || i + step >= frames.length) step = -step
      i += step
      last = t
    }
    walk = requestAnimationFrame(tick)
  }
  walk = requestAnimationFrame(tick)
}

function useFile(file) {
  if (!file) return
  file.arrayBuffer().then((buffer) => {
    source = new Uint8Array(buffer)
    load()
  })
}

$('model').addEventListener('change', () => {
  $('drop').hidden = $('model').value !== 'file'
  if ($('model').value !== 'file') {
    source = $('model').value
    load()
  }
})
$('pick').addEventListener('click', () => $('file').click())
$('file').addEventListener('change', () => useFile($('file').files[0]))
$('drop').addEventListener('dragover', (e) => {
  e.preventDefault()
  $('drop').classList.add('over')
})
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'))
$('drop').addEventListener('drop', (e) => {
  e.preventDefault()
  $('drop').classList.remove('over')
  useFile(e.dataTransfer.files[0])
})
$('device').addEventListener('change', load)
$('worker').addEventListener('change', load)
$('psi').addEventListener('input', () => ($('psi-out').textContent = Number($('psi').value).toFixed(2)))
for (const id of ['psi', 'label']) $(id).addEventListener('change', render)
$('generate').addEventListener('click', render)
$('seed').addEventListener('keydown', (e) => e.key === 'Enter' && render())
$('download').addEventListener('click', () => {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(lastGrid.toBlob())
  a.download = `gan-sdk-${$('seed').value}.png`
  a.click()
  URL.revokeObjectURL(a.href)
})

load()
