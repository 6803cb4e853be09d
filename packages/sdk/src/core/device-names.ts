/** Every device a platform entry may offer (onnxruntime's execution provider names); `auto` picks the first that works. */
export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'wasm'] as const
export type Device = (typeof DEVICES)[number]
/** A device that runs sessions (not `auto`). */
export type RunDevice = Exclude<Device, 'auto'>
