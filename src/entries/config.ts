/**
 * `safety-breaker/config`: config files (YAML or JSON, validated with file:line:column), binding
 * model functions in code to breaker names in the file, hot reload, the JSON Schema, and the
 * detector registry. See docs/config.md.
 */
export * from '../config/index.js';
