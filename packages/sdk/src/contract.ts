// Subpath `gan-sdk/contract`: the model contract and errors, for tools that write models (the exporter).
export * from './core/contract.js'
export * from './core/errors.js'
