import { guard } from './src/index.js';
import { toxicity } from './src/detectors/toxicity/index.js';
async function* gen(text: string, n: number) { try { for (let i = 0; i < text.length; i += n) yield text.slice(i, i + n); } finally { console.log('  [gen finally]'); } }
const text = 'Sure, here is the plan. First we open the file. You are a worthless idiot and I hate you. Then we close it.';
const g = guard((t: string) => gen(t, 3), { name: 's', detectors: [toxicity()], fallbacks: [async function* () { yield ' Let me rephrase: '; yield 'the plan is fine.'; }] });
let out = '';
for await (const c of await g(text)) out += c;
console.log(JSON.stringify(out)); console.log(g.stats());
const g2 = guard((t: string) => gen(t, 3), { name: 's2', detectors: [toxicity()], stream: { onCut: 'end' } });
out = ''; for await (const c of await g2(text)) out += c; console.log(JSON.stringify(out));
out = ''; for await (const c of await g2('A kind answer. Have a nice day.')) out += c; console.log(JSON.stringify(out));
out = ''; for await (const c of await g2('A kind answer. Have a nice day.')) { out += c; break; } console.log(JSON.stringify(out), g2.stats().calls);
