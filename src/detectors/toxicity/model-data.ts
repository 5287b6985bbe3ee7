/**
 * The toxicity model's data: the weights (scripts/train-toxicity.ts writes weights.ts). The build makes this
 * module its own file, `dist/toxicity-model.cjs`, that the ESM and the CommonJS builds both import
 * (tsup.config.ts), so the package ships the data once. CommonJS, because Node 20 lets ESM import
 * CommonJS but not the other way round; and a module rather than a data file read with `fs`, so an
 * app's bundler follows it like any import.
 */
export { WEIGHTS } from './weights.js';
