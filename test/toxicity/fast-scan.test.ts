import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUT_PATH, WAT_PATH, compileWat } from '../../scripts/build-wasm.js';
import { CHALLENGE } from './challenge.js';

const TEXTS = [
  'Thanks for reaching out. Your parcel left on Tuesday; track it with the link we sent you.',
  'The women in the study (n = 24) reported fewer side effects after 2 weeks — p53 and IL6 were lower.',
  '**Summary:** you are an idiot 😀 and the café’s “crêpes” cost $4.50!',
  'go back to your country\nI will kill you\nf u c k this\nwhat a fuuuuck',
  ...CHALLENGE.map((c) => c.text),
];

describe('the WebAssembly stage of the toxicity scanner', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('ships exactly the bytes fast-scan.wat compiles to (run `npm run build:wasm` after editing it)', async () => {
    expect(readFileSync(OUT_PATH, 'utf8')).toBe(await compileWat(readFileSync(WAT_PATH, 'utf8')));
  });

  it('is optional: without WebAssembly the scanner gives the same results', async () => {
    const withWasm = await import('../../src/detectors/toxicity/scanner.js');
    expect(withWasm.usesWebAssembly()).toBe(true);
    const expected = TEXTS.map((t) => withWasm.scanToxicity(t));
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const withoutWasm = await import('../../src/detectors/toxicity/scanner.js');
    expect(withoutWasm.usesWebAssembly()).toBe(false);
    expect(TEXTS.map((t) => withoutWasm.scanToxicity(t))).toEqual(expected);
  });
});
