// The overview: cluster, queues, runners, jobs, failovers, audit and charts from a snapshot.

import { state } from './state.js';
import { $, esc, duration, ms, clock, timeAgo, after, version, labels, jobLink, syncChildren, setHtml } from './format.js';

// ---------------------------------------------------------------------------------------------
// Snapshot rendering

function renderSnapshot(s) {
  $('#operator').textContent = s.operator ?? '—';
  $('#served-by').textContent = s.servedBy ?? '—';
  $('#served-by').classList.remove('stale');
  document.body.dataset.generatedAt = s.generatedAt ?? '';
  renderCluster(s.cluster ?? {});
  renderQueues(s.queues ?? []);
  renderRunners(s.runners ?? []);
  if (!state.search.query) renderJobs(s.jobs ?? [], null);
  renderFailovers(s.failovers ?? []);
  renderAudit(s.audit ?? []);
  renderCharts(s.charts);
}

function renderCluster(cluster) {
  const leader = cluster.leader;
  const leaderEl = $('#leader');
  leaderEl.dataset.leaderNode = leader?.nodeId ?? '';
  setHtml(leaderEl, leader
    ? `<strong>${esc(leader.nodeId)}</strong> <span class="muted">token ${esc(leader.token)}${leader.since ? ` · since ${timeAgo(leader.since)}` : ''}</span>`
    : '<span class="bad badge">no leader</span>');

  syncChildren($('#nodes'), cluster.nodes ?? [], (n) => n.nodeId, (n) => `
      <div class="title">
        <span>${esc(n.nodeId)}</span>
        <span class="badge ${n.healthy ? 'good' : 'bad'}">${n.healthy ? 'healthy' : 'unhealthy'}</span>
        ${n.leader ? `<span class="badge infoish leader-badge">leader${leader?.nodeId === n.nodeId ? ` · token ${esc(leader.token)}` : ''}</span>` : ''}
      </div>
      <div class="meta">${esc(n.url)} · ${version(n.version)}</div>
      <div class="meta">up ${n.startedAt ? timeAgo(n.startedAt, 'for') : esc(duration(n.uptimeSeconds))} · seen ${timeAgo(n.lastSeenAt)}</div>`,
    (el, n) => {
      el.className = `node${n.healthy ? '' : ' unhealthy'}${n.leader ? ' leader' : ''}`;
      el.dataset.node = n.nodeId;
    });

  const redis = cluster.redis ?? {};
  setHtml($('#redis .body'), `
    <div>master <strong class="mono">${esc(redis.master ?? '—')}</strong>
      <span class="badge ${redis.sentinelsAgree ? 'good' : 'bad'}">${redis.sentinelsAgree ? 'sentinels agree' : 'sentinels disagree'}</span></div>
    ${redis.error ? `<div class="error-text">${esc(redis.error)}</div>` : ''}
    <table><thead><tr><th>Replica</th><th>Flags</th><th>Link</th></tr></thead><tbody>
      ${(redis.replicas ?? []).map((r) => `<tr><td class="mono">${esc(r.address)}</td><td>${esc(r.flags)}</td>
        <td><span class="badge ${r.link === 'ok' ? 'good' : r.link ? 'bad' : ''}">${esc(r.link ?? '—')}</span></td></tr>`).join('')
        || '<tr><td colspan="3" class="muted">no replica</td></tr>'}
    </tbody></table>
    <table><thead><tr><th>Sentinel</th><th>Reachable</th><th>Says master is</th></tr></thead><tbody>
      ${(redis.sentinels ?? []).map((x) => `<tr><td class="mono">${esc(x.address)}</td>
        <td><span class="badge ${x.reachable ? 'good' : 'bad'}">${x.reachable ? 'yes' : 'no'}</span></td>
        <td class="mono">${esc(x.master ?? '—')}${x.error ? ` <span class="error-text">${esc(x.error)}</span>` : ''}</td></tr>`).join('')}
    </tbody></table>`);

  const pg = cluster.postgres ?? {};
  setHtml($('#postgres .body'), `
    <div>primary <strong class="mono">${esc(pg.primary ?? '—')}</strong></div>
    ${pg.error ? `<div class="error-text">${esc(pg.error)}</div>` : ''}
    <table><thead><tr><th>Replica</th><th>Address</th><th>State</th><th>Sync</th><th class="num">Lag</th></tr></thead><tbody>
      ${(pg.replicas ?? []).map((r) => `<tr><td>${esc(r.name)}</td><td class="mono">${esc(r.address)}</td>
        <td><span class="badge ${r.state === 'streaming' ? 'good' : 'warnish'}">${esc(r.state)}</span></td><td>${esc(r.sync)}</td>
        <td class="num">${r.lagSeconds == null ? '—' : esc(ms(r.lagSeconds * 1000))}${r.lagBytes == null ? '' : ` · ${esc(r.lagBytes)} B`}</td></tr>`).join('')
        || '<tr><td colspan="5" class="muted">no replica</td></tr>'}
    </tbody></table>`);
}

function renderQueues(queues) {
  syncChildren($('#queues tbody'), queues, (q) => (q.labels ?? []).join(','), (q) => `
    <td>${labels(q.labels)}${q.servable ? '' : '<span class="unservable-note">no runner has these labels</span>'}</td>
    <td class="num">${esc(q.queued)}</td>
    <td class="num">${esc(q.dispatched)}</td>
    <td class="num">${esc(q.inProgress)}</td>
    <td class="num">${q.oldestQueuedAt ? timeAgo(q.oldestQueuedAt, 'for') : q.oldestWaitSeconds != null ? esc(duration(q.oldestWaitSeconds)) : '<span class="muted">—</span>'}</td>`,
    (el, q) => {
      el.classList.toggle('unservable', !q.servable);
      el.dataset.labels = (q.labels ?? []).join(',');
    });
}

function renderRunners(runners) {
  syncChildren($('#runners tbody'), runners, (r) => r.name, (r) => `
    <td><strong>${esc(r.name)}</strong> <span class="muted small">${version(r.version)}</span></td>
    <td><span class="badge status status-${esc(r.status)}">${esc(r.status)}</span></td>
    <td class="wrap">${labels(r.labels)}</td>
    <td class="num">${esc(r.slotsInUse)}/${esc(r.slots)}</td>
    <td class="wrap">${(r.runningJobs ?? []).map(jobLink).join(' ') || '<span class="muted">—</span>'}</td>
    <td>${timeAgo(r.lastHeartbeatAt)}</td>
    <td>${esc(r.node ?? '—')}</td>
    <td class="actions">
      <button type="button" class="drain" ${r.status === 'online' ? '' : 'disabled'} title="stop giving this runner new jobs">Drain</button>
      <button type="button" class="resume" ${r.status === 'draining' ? '' : 'disabled'} title="give this runner jobs again">Resume</button>
      <button type="button" class="remove" ${r.status === 'removed' ? 'disabled' : ''} title="forget this runner">Remove</button>
    </td>`,
    (el, r) => { el.dataset.runner = r.name; el.dataset.status = r.status; });
}

function jobRowHtml(j) {
  const what = [j.workflow, j.name].filter(Boolean).join(' / ');
  return `
    <td>${jobLink(j.jobId)}</td>
    <td><span class="badge state state-${esc(j.state)}">${esc(String(j.state ?? '').replace('_', ' '))}</span>${j.conclusion ? ` <span class="muted">${esc(j.conclusion)}</span>` : ''}</td>
    <td class="wrap">${esc(j.repository)}${what ? `<div class="muted small">${esc(what)}</div>` : ''}</td>
    <td class="wrap">${labels(j.labels)}</td>
    <td>${esc(j.runner ?? '—')}</td>
    <td class="num">${esc(j.attempt)}</td>
    <td>${clock(j.queuedAt)} <span class="muted small">${timeAgo(j.queuedAt)}</span></td>
    <td class="num">${after(j.queuedAt, j.dispatchedAt)}</td>
    <td class="num">${after(j.queuedAt, j.startedAt)}</td>
    <td class="num">${after(j.queuedAt, j.completedAt)}</td>`;
}

function renderJobs(jobs, query) {
  $('#jobs-caption').textContent = query
    ? `search “${query}”: ${jobs.length} result${jobs.length === 1 ? '' : 's'}, refreshed every 3 s`
    : '50 most recently updated';
  syncChildren($('#jobs tbody'), jobs, (j) => j.jobId, jobRowHtml, (el, j) => {
    el.dataset.job = j.jobId;
    el.dataset.state = j.state;
    el.className = `state-${j.state}`;
  });
}

function renderFailovers(failovers) {
  syncChildren($('#failovers ol'), failovers, (f) => `${f.at}|${f.component}|${f.from}|${f.to}`, (f) => `
    <span class="when">${clock(f.at)} · ${timeAgo(f.at)}</span>
    <span class="badge infoish">${esc(f.component)}</span>
    ${esc(f.from ?? '—')} → <strong>${esc(f.to ?? '—')}</strong>
    ${f.durationMs != null ? `<span class="badge warnish">${esc(ms(f.durationMs))}</span>` : ''}
    ${f.detail ? `<div class="muted small">${esc(f.detail)}</div>` : ''}`);
}

function auditRowHtml(a) {
  return `
    <td>${clock(a.at)} <span class="muted small">${timeAgo(a.at)}</span></td>
    <td>${esc(a.operator)}</td>
    <td><strong>${esc(a.action)}</strong></td>
    <td>${/^\d+$/.test(String(a.target)) ? jobLink(a.target) : esc(a.target)}</td>
    <td class="wrap">${esc(a.detail ?? '')}</td>
    <td>${esc(a.node ?? '—')}</td>`;
}

function renderAudit(audit) {
  syncChildren($('#audit tbody'), audit, (a) => `${a.at}|${a.action}|${a.target}`, auditRowHtml, (el, a) => {
    el.dataset.action = a.action;
  });
}

// ---------------------------------------------------------------------------------------------
// Charts (uPlot). Created on the first snapshot with chart data, fed with setData afterwards,
// and rebuilt when the colour scheme flips (uPlot draws on a canvas: CSS variables don't reach it).

const charts = { jobs: null, latency: null, key: '' };

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// points: draw each minute's value as a dot too (a latency minute between gaps is a lone point,
// which a line alone never shows).
function makeChart(el, title, series, data, points = false) {
  const text = cssVar('--text');
  const grid = cssVar('--border');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const hhmm = window.uPlot.fmtDate('{HH}:{mm}');
  return new window.uPlot({
    width: Math.max(300, el.clientWidth),
    height: 200,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max ?? 1) * 1.1] } },
    axes: [{ ...axis, values: (u, ticks) => ticks.map((t) => hhmm(new Date(t * 1000))) }, { ...axis, size: 50 }],
    series: [{}, ...series.map(([label, color]) => ({ label, stroke: cssVar(color), width: 2, spanGaps: false, points: { show: points, size: 5 } }))],
  }, data, el);
}

function chartData(c) {
  const xs = (c.minutes ?? []).map((iso) => Date.parse(iso) / 1000);
  return {
    jobs: [xs, c.received ?? [], c.completed ?? []],
    latency: [xs, c.dispatchP50Ms ?? [], c.dispatchP95Ms ?? []],
  };
}

function renderCharts(c) {
  if (!c || !window.uPlot) return;
  const key = JSON.stringify(c);
  if (key === charts.key && charts.jobs) return;
  charts.key = key;
  const data = chartData(c);
  if (!charts.jobs) {
    charts.jobs = makeChart($('#chart-jobs'), 'Jobs per minute', [['received', '--chart-1'], ['completed', '--chart-2']], data.jobs);
    charts.latency = makeChart($('#chart-latency'), 'Dispatch latency', [['p50', '--chart-3'], ['p95', '--chart-4']], data.latency, true);
  } else {
    charts.jobs.setData(data.jobs);
    charts.latency.setData(data.latency);
  }
}

function resetCharts() {
  charts.jobs?.destroy();
  charts.latency?.destroy();
  charts.jobs = charts.latency = null;
  charts.key = '';
  if (state.snapshot) renderCharts(state.snapshot.charts);
}

new ResizeObserver(() => {
  for (const [chart, el] of [[charts.jobs, $('#chart-jobs')], [charts.latency, $('#chart-latency')]]) {
    if (chart && el.clientWidth > 0 && Math.abs(chart.width - el.clientWidth) > 4) chart.setSize({ width: el.clientWidth, height: 200 });
  }
}).observe($('#charts'));
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', resetCharts);


export { renderSnapshot, renderJobs };
