export * from './detectors/types.js';
