/**
 * Run by restart.test.ts as a child process: a breaker trips, its incident is written to the log,
 * and the process says so on stdout and waits to be killed (SIGKILL, mid-incident).
 */
import { guard } from '../../src/index.js';
import { incidents } from '../../src/entries/incidents.js';
import { fileStore, TOXIC, chatOptions } from './crash-shared.js';

const [logPath, storePath] = process.argv.slice(2) as [string, string];
const log = incidents({ path: logPath });
const chat = guard(async (p: string) => `${TOXIC} reply to ${p}`, { ...chatOptions, store: fileStore(storePath) });
log.attach(chat);
for (let i = 0; chat.state === 'closed' && i < 100; i++) await chat(`q${i}`);
chat.forceOpen('INC-9: operator confirms the slurs', { actor: 'alice' });
await log.flush();
const [open] = log.list({ status: 'open' });
process.stdout.write(`${JSON.stringify({ id: open?.id, state: chat.state })}\n`);
setInterval(() => {}, 1_000); // mid-incident until killed
