import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUT_PATH, WAT_PATH, compileWat } from '../../scripts/build-wasm.js';

describe('the WebAssembly stage of the toxicity scanner', () => {
  it('ships exactly the bytes fast-scan.wat compiles to (run `npm run build:wasm` after editing it)', async () => {
    expect(readFileSync(OUT_PATH, 'utf8')).toBe(await compileWat(readFileSync(WAT_PATH, 'utf8')));
  });
});
