// The BullMQ anchor of scripts/bench: add-to-start latency at fixed rates (open loop, absolute
// schedule) and the drain throughput of jobs added before the worker starts, on the stack's Redis.
// Writes the same JSON shape as tools/Bench's anchors (AnchorResult). Progress goes to stderr.
//
//   node bench.mjs --host 127.0.0.1 --port 6379 --password-file F --rates 50,200,500 --duration 20
//                  --consumers 32 --drain-jobs 20000 --settle-timeout 60 [--output FILE]
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';

const usage = 'usage: node bench.mjs --host H --port P [--password-file F] [--rates 50,200,500] [--duration S] [--consumers N] [--drain-jobs N] [--settle-timeout S] [--output FILE]';

function parseArgs(argv) {
  const known = new Set(['host', 'port', 'password-file', 'rates', 'duration', 'consumers', 'drain-jobs', 'settle-timeout', 'output']);
  const args = {};
  const problems = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'help' || name === 'h') { console.log(usage); process.exit(0); }
    if (!argv[i].startsWith('--') || !known.has(name)) { problems.push(`unknown argument '${argv[i]}'`); continue; }
    if (i + 1 >= argv.length) { problems.push(`--${name} needs a value`); continue; }
    args[name] = argv[++i];
  }
  const number = (name, fallback, min, max) => {
    if (args[name] === undefined) return fallback;
    const v = Number(args[name]);
    if (!Number.isFinite(v) || v < min || v > max) problems.push(`--${name}: '${args[name]}' is not a number from ${min} to ${max}`);
    return v;
  };
  const settings = {
    host: args.host ?? '127.0.0.1',
    port: number('port', 6379, 1, 65535),
    password: args['password-file'] ? readFileSync(args['password-file'], 'utf8').split('\n')[0].trim() : undefined,
    rates: (args.rates ?? '50,200,500').split(',').map(Number),
    durationS: number('duration', 20, 1, 3600),
    consumers: number('consumers', 32, 1, 10000),
    drainJobs: number('drain-jobs', 20000, 1, 1000000),
    settleMs: number('settle-timeout', 60, 1, 3600) * 1000,
    output: args.output,
  };
  if (settings.rates.some(r => !Number.isFinite(r) || r <= 0)) problems.push(`--rates: '${args.rates}' is not a list of positive numbers`);
  if (problems.length) { console.error(`error: ${problems.join('; ')}\n${usage}`); process.exit(2); }
  return settings;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const round = (v, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

// Nearest-rank percentiles, as tools/Bench's LatencySummary computes them.
function summary(latencies) {
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null };
  const rank = q => round(sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]);
  return { count: sorted.length, p50Ms: rank(0.5), p90Ms: rank(0.9), p99Ms: rank(0.99), maxMs: round(sorted[sorted.length - 1]) };
}

// Resolves when done() says so, or false after the timeout.
async function waitUntil(done, timeoutMs) {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() > deadline) return false;
    await sleep(5);
  }
  return true;
}

async function latencyAt(s, connection, prefix, rate) {
  const name = `latency-${rate}-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(name, { connection, prefix });
  const latencies = [];
  const worker = new Worker(name, async job => { latencies.push(nowMs() - job.data.t); }, { connection, prefix, concurrency: s.consumers });
  await worker.waitUntilReady();
  const count = Math.max(1, Math.floor(rate * s.durationS));
  const adds = [];
  const began = nowMs();
  let next = 0;
  while (next < count) {
    const due = Math.min(count, Math.floor((nowMs() - began) / 1000 * rate) + 1);
    while (next < due) {
      adds.push(queue.add('probe', { t: nowMs() }, { removeOnComplete: true, removeOnFail: true }));
      next++;
    }
    if (next < count) await sleep(1);
  }
  const seconds = (nowMs() - began) / 1000;
  await Promise.all(adds);
  const complete = await waitUntil(() => latencies.length >= count, s.settleMs);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  const latency = summary(latencies);
  console.error(`  bullmq ${rate}/s: ${latency.count}/${count} started${complete ? '' : ' (timed out)'}, p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
  return { rate, durationSeconds: round(seconds), sent: count, received: latency.count, achievedRate: round(count / seconds, 1), latency };
}

async function drain(s, connection, prefix) {
  const name = `drain-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(name, { connection, prefix });
  for (let i = 0; i < s.drainJobs; i += 1000) {
    const n = Math.min(1000, s.drainJobs - i);
    await queue.addBulk(Array.from({ length: n }, () => ({ name: 'probe', data: { t: 0 }, opts: { removeOnComplete: true, removeOnFail: true } })));
  }
  let processed = 0;
  const began = nowMs();
  const worker = new Worker(name, async () => {}, { connection, prefix, concurrency: s.consumers });
  worker.on('completed', () => { processed++; });
  await waitUntil(() => processed >= s.drainJobs, s.settleMs);
  const seconds = (nowMs() - began) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  console.error(`  bullmq drain: ${processed}/${s.drainJobs} in ${seconds.toFixed(2)} s = ${Math.round(processed / seconds)}/s`);
  return { jobs: s.drainJobs, processed, seconds: round(seconds), perSecond: round(processed / seconds, 1) };
}

async function main() {
  const s = parseArgs(process.argv.slice(2));
  // maxRetriesPerRequest null: what BullMQ requires of a worker's connection.
  const connection = { host: s.host, port: s.port, password: s.password, maxRetriesPerRequest: null };
  const prefix = `bench:bullmq:${randomBytes(4).toString('hex')}`;
  const latency = [];
  for (const rate of s.rates) latency.push(await latencyAt(s, connection, prefix, rate));
  const throughput = await drain(s, connection, prefix);
  const version = JSON.parse(readFileSync(new URL('./node_modules/bullmq/package.json', import.meta.url), 'utf8')).version;
  const result = {
    name: 'bullmq',
    description: `BullMQ ${version} on Node.js ${process.versions.node}`,
    consumers: s.consumers,
    latency,
    throughput,
  };
  const json = JSON.stringify(result, null, 2) + '\n';
  if (s.output) {
    writeFileSync(s.output + '.tmp', json);
    renameSync(s.output + '.tmp', s.output);
  } else {
    process.stdout.write(json);
  }
}

main().then(() => process.exit(0), err => { console.error(`error: ${err?.stack ?? err}`); process.exit(1); });
