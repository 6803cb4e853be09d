import type { ModelContract } from './model-contract.js'
import type { ModelInfo } from './model-info.js'

/**
 * What reading a model's bytes gave, recorded with the SHA-256 of those bytes: the build writes one
 * beside each bundled model (`assets/<name>.json`), and loading that model uses it instead of
 * parsing the ONNX file, when the bytes still have that hash (the weights were checked when it
 * was recorded). Any load option that changes the contract reads the file as usual.
 */
export interface KnownModel {
  sha256: string
  info: ModelInfo
}

/** A recorded {@link KnownModel} from its JSON, frozen as `modelInfoOf` freezes a contract; undefined when it is not one. */
export function parseKnownModel(json: string): KnownModel | undefined {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  const known = value as Partial<KnownModel> | null
  const info = known?.info
  const contract = info?.contract as ModelContract | undefined
  if (typeof known?.sha256 !== 'string' || typeof contract !== 'object' || contract === null) return undefined
  if (!Array.isArray(contract.range) || !Array.isArray(contract.labels)) return undefined
  return {
    sha256: known.sha256,
    info: {
      contract: Object.freeze({
        ...contract,
        range: Object.freeze([...contract.range] as [number, number]),
        labels: Object.freeze([...contract.labels]),
      }),
      inputRank: info!.inputRank,
      fixedBatch: info!.fixedBatch,
    },
  }
}
