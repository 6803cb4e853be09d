/** Image sizes the trainer scales datasets to. */
export type ImageSize = 28 | 32 | 64 | 128
export const IMAGE_SIZES: readonly ImageSize[] = [28, 32, 64, 128]

/**
 * The DCGAN family's widths for a size: one more ×2 stage (and one more filter entry) per doubling
 * above 32, widest next to the smallest feature maps. Up to 32: G 128→64, D 64→128, the reference
 * network; 64: G 256→128→64, D 64→128→256; 128: G 256→128→64→32, D 32→64→128→256.
 */
export function defaultFilters(size: number): { generatorFilters: readonly number[]; discriminatorFilters: readonly number[] } {
  if (size <= 32) return { generatorFilters: [128, 64], discriminatorFilters: [64, 128] }
  if (size <= 64) return { generatorFilters: [256, 128, 64], discriminatorFilters: [64, 128, 256] }
  return { generatorFilters: [256, 128, 64, 32], discriminatorFilters: [32, 64, 128, 256] }
}
