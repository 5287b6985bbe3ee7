/**
 * The toxicity model's data: the weights (scripts/train-toxicity.ts writes weights.ts) and the
 * compiled WebAssembly stage (scripts/build-wasm.ts writes fast-scan-wasm.ts). The build makes this
 * module its own file, `dist/toxicity-model.cjs`, that the ESM and the CommonJS builds both import
 * (tsup.config.ts), so the package ships the data once. CommonJS, because Node 20 lets ESM import
 * CommonJS but not the other way round; and a module rather than a data file read with `fs`, so an
 * app's bundler follows it like any import.
 */
export { WEIGHTS } from './weights.js';
export { FAST_SCAN_WASM } from './fast-scan-wasm.js';
