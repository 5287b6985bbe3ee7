/**
 * Run by file-store.test.ts as a child process: a guard on a file store learns its CUSUM baseline
 * from seeded traffic, says so on stdout, and serves on until it is killed (SIGKILL, no dispose()).
 */
import { guard } from '../../src/guard.js';
import { seededRandom } from '../../src/random.js';
import { fileStore } from '../../src/store/file.js';
import { flagger } from '../guard/helpers.js';

const [path, trip, calls] = process.argv.slice(2) as [string, string, string];
const random = seededRandom(7);
const g = guard(async () => (random() < 0.02 ? 'MEH' : 'fine'), {
  name: 'chat',
  detectors: [flagger()],
  trip: JSON.parse(trip) as { policy: 'cusum' },
  store: fileStore(path),
  retry: false,
  timeoutMs: 0,
});
await g.ready();
// Requests arrive over time: the event loop turns between batches, as in a service.
for (let i = 0; i < Number(calls); i++) {
  await g();
  if (i % 100 === 99) await new Promise((done) => setImmediate(done));
}
const snapshot = g.snapshot();
process.stdout.write(
  `${JSON.stringify({ state: g.state, cusum: snapshot.policies[0]!.state, stats: g.stats().policies[0] })}\n`,
);
setInterval(() => {}, 1_000); // serving until killed
