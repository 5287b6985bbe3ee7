/**
 * `safety-breaker/file-store`: breaker state (learned baselines, windows, open breakers) kept in a
 * JSON file across restarts of a single-process service. See docs/trip-policies.md, "Stored baselines".
 */
export { fileStore, type FileStore, type FileStoreOptions } from '../store/file.js';
