import { describe, expect, it } from 'vitest'
import type { LatentDistribution } from '../core/model-contract.js'
import type { Seed } from '../core/seed.js'

/** An implementation of the seed contract: the latents of `seeds`, row by row. */
export type LatentsOf = (seeds: readonly Seed[], size: number, distribution: LatentDistribution) => Float32Array

export const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer))

// THE CONTRACT (docs/seeds.md): the first latent values per seed, as exact float32 values. Changing
// any of them changes every image generated from that seed and needs a new major version.
const GOLDEN: Array<[Seed, LatentDistribution, number[]]> = [
  [0, 'normal', [0.12177618592977524, 0.4934249222278595, -0.5381877422332764, 1.6753298044204712]],
  [1, 'normal', [0.16813211143016815, 0.9542843103408813, -0.430600106716156, -2.152186632156372]],
  [42, 'normal', [0.3187578618526459, -0.7706159949302673, 0.15178267657756805, -0.12624146044254303]],
  [2 ** 32, 'normal', [0.18117810785770416, 1.2796868085861206, 1.0970542430877686, -0.04492025449872017]],
  [Number.MAX_SAFE_INTEGER, 'normal', [-0.9335838556289673, -0.6154717206954956, 0.685466468334198, 1.3905857801437378]],
  ['hello', 'normal', [-1.5256891250610352, 0.5223996043205261, -1.3421521186828613, 2.8619489669799805]],
  ['ünïcødé', 'normal', [1.0478236675262451, 1.7588207721710205, -0.7613670825958252, 0.21036571264266968]],
  ['ünïcødé 🎲', 'normal', [-0.9534317255020142, 0.507985532283783, -0.8975147604942322, 1.74477219581604]],
  [42, 'uniform', [0.3212314546108246, -0.7765960693359375, -0.8417887091636658, -0.9695815443992615]],
  ['hello', 'uniform', [-0.49381834268569946, 0.1690845787525177, 0.11837272346019745, -0.9989717602729797]],
]

// Truncation ψ (docs/seeds.md §5): each value times ψ, rounded to float32. Part of the contract too.
export const GOLDEN_TRUNCATED: Array<[Seed, LatentDistribution, number, number[]]> = [
  [42, 'normal', 0.7, [0.2231305092573166, -0.5394312143325806, 0.10624787211418152, -0.08836901932954788]],
  ['hello', 'normal', 0.5, [-0.7628445625305176, 0.26119980216026306, -0.6710760593414307, 1.4309744834899902]],
  [42, 'uniform', 0.7, [0.2248620241880417, -0.54361724853515625, -0.5892521142959595, -0.6787070631980896]],
]

// FNV-1a over the float32 bits of seeds 0…999's whole latents: odd sizes and every rejection path.
const GOLDEN_HASHES = [
  [100, 'normal', 4096776574],
  [101, 'normal', 2731593523],
  [7, 'uniform', 3504142004],
] as const

/** The seed contract's golden tests, run against one implementation (the reference, or the kernels). */
export function describeSeedContract(name: string, latentsOf: LatentsOf): void {
  describe(`seed contract: ${name}`, () => {
    it.each(GOLDEN)('seed %s (%s) gives the golden latent, bit for bit', (seed, distribution, expected) => {
      expect(bits(latentsOf([seed], 4, distribution))).toEqual(bits(expected))
    })

    it.each(GOLDEN_HASHES)('seeds 0…999 × %i %s values hash to the golden FNV-1a %i', (size, distribution, golden) => {
      const words = new Uint32Array(
        latentsOf(
          Array.from({ length: 1000 }, (_, i) => i),
          size,
          distribution,
        ).buffer,
      )
      let hash = 0x811c9dc5
      for (const word of words) hash = Math.imul(hash ^ word, 0x01000193) >>> 0
      expect(hash).toBe(golden)
    })

    it('draws values in order: a shorter latent is a prefix of a longer one, odd sizes included', () => {
      const five = bits(latentsOf([42], 5, 'normal'))
      expect(bits(latentsOf([42], 3, 'normal'))).toEqual(five.slice(0, 3))
      expect(bits(latentsOf([42], 4, 'normal'))).toEqual(five.slice(0, 4))
      expect(bits(latentsOf([42], 1, 'uniform'))).toEqual(bits(latentsOf([42], 6, 'uniform')).slice(0, 1))
    })

    it('a batch is its seeds’ latents, row by row', () => {
      const seeds = [42, 'hello', 0, 7, 2 ** 53 - 1]
      for (const distribution of ['normal', 'uniform'] as const) {
        expect(bits(latentsOf(seeds, 5, distribution))).toEqual(seeds.flatMap((seed) => bits(latentsOf([seed], 5, distribution))))
      }
      expect(latentsOf([], 5, 'normal')).toHaveLength(0)
    })
  })
}
