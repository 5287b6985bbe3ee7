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

  it('writes a text as UTF-8 exactly as TextEncoder does, lone surrogates and all', async () => {
    const { webAssemblyStage } = await import('../../src/detectors/toxicity/scanner.js');
    const stage = webAssemblyStage();
    if (stage === null) throw new Error('no WebAssembly stage');
    const pieces = [
      'a',
      'Z',
      ' ',
      '\n',
      '~',
      '\x7f',
      '\x80',
      'é',
      'ß',
      '߿',
      'ࠀ',
      '’',
      '€',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '😀',
      '\ud800',
      '\udc00',
      '\udbff\udfff',
      'abcdefgh',
      '\0',
    ];
    let seed = 20261127;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const texts = [
      ...pieces,
      pieces.join(''),
      'plain ascii text, sixteen+ units long',
      'x'.repeat(32768),
      'é'.repeat(32768),
    ];
    for (let k = 0; k < 300; k++)
      texts.push(
        Array.from({ length: 1 + Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join(
          '',
        ),
      );
    const expected = new Uint8Array(4 * 32768);
    for (const text of texts) {
      const n = new TextEncoder().encodeInto(text, expected).written;
      expect(stage.encode(text, false)).toBe(n);
      expect(Buffer.from(stage.input.subarray(0, n)).equals(Buffer.from(expected.subarray(0, n)))).toBe(true);
    }
    expect(stage.encode('x'.repeat(32769))).toBe(-1); // longer than it takes at once: the caller encodes
  });

  it('by default writes a letter read as one ASCII letter as that letter, one byte for its one code unit', async () => {
    const { webAssemblyStage } = await import('../../src/detectors/toxicity/scanner.js');
    const { mapCodePoint } = await import('../../src/detectors/toxicity/normalize.js');
    const stage = webAssemblyStage();
    if (stage === null) throw new Error('no WebAssembly stage');
    const bytes = (text: string): string => Buffer.from(stage.input.subarray(0, stage.encode(text))).toString('latin1');
    // Latin, Cyrillic and Greek look-alikes fold; ß (two letters), æ, symbols and CJK stay UTF-8.
    expect(bytes('Café Élan fück ñ İ')).toBe('Cafe ' + mapCodePoint(0xc9) + 'lan fuck n ' + mapCodePoint(0x130));
    expect(bytes('\u0430\u0441\u0435 \u03bf')).toBe('ace o');
    for (const kept of ['ß', 'æ', '€', '°', '中', '😀', '\ud800'])
      expect(bytes(kept)).toBe(Buffer.from(kept === '\ud800' ? '\ufffd' : kept, 'utf8').toString('latin1'));
    // Every 2-byte code point: folded exactly when the scanner reads it as one ASCII letter.
    for (let cp = 0x80; cp < 0x800; cp++) {
      const m = mapCodePoint(cp);
      const expected =
        m.length === 1 && /[a-z]/i.test(m) ? m : String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
      expect(bytes(String.fromCharCode(cp)), cp.toString(16)).toBe(expected);
    }
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
