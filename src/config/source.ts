/**
 * Where a loaded config came from. `loadConfig` and `parseConfig` remember the file and where each
 * key is in it, so a problem found later — binding it in `createBreakers`, applying it on reload,
 * replaying it — names the file and the line, not `<config>`.
 */

/** A key of a config path: a mapping's key or a list's index. */
export type ConfigKey = string | number;

export interface ConfigSource {
  readonly file: string;
  /** Line and column of the value at `path`; 0 and 0 when the file does not have it. */
  place(path: readonly ConfigKey[]): { line: number; column: number };
}

const sources = new WeakMap<object, ConfigSource>();

export function rememberSource(config: object, source: ConfigSource): void {
  sources.set(config, source);
}

/** The file and place of `path` in `config` for an issue; `file` (given in code) wins over the one it was read from. */
export function placeIn(
  config: object,
  path: readonly ConfigKey[],
  file?: string,
): { file: string; line: number; column: number } {
  const source = sources.get(config);
  return { file: file ?? source?.file ?? '<config>', ...(source?.place(path) ?? { line: 0, column: 0 }) };
}
