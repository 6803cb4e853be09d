/** What `exportOnnx()` reports, in order. The library prints nothing; the CLI renders these. */
export type ExportEvent =
  | { type: 'read'; layers: number; weights: number }
  | { type: 'converted'; nodes: number; bytes: number }
  | { type: 'verified'; maxAbsDiff: number; tolerance: number; batch: number }
  | { type: 'written'; path: string }
