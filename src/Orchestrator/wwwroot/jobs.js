// Job search and the job page (#/jobs/<id>), and the hash routes.

import { state } from './state.js';
import { $, esc, clock, timeAgo, after, labels, setHtml } from './format.js';
import { renderJobs } from './overview.js';
import { invoke } from './connection.js';

// ---------------------------------------------------------------------------------------------
// Search

async function runSearch() {
  const query = state.search.query;
  if (!query) return;
  const seq = ++state.search.seq;
  try {
    const rows = await invoke('SearchJobs', query);
    if (seq !== state.search.seq || query !== state.search.query) return;
    state.search.results = rows ?? [];
    renderJobs(state.search.results, query);
  } catch (error) {
    if (seq === state.search.seq) $('#jobs-caption').textContent = `search “${query}” failed: ${error.message ?? error}`;
  }
}

let searchDebounce = 0;
$('#job-search').addEventListener('input', (event) => {
  clearTimeout(searchDebounce);
  searchDebounce = setTimeout(() => {
    state.search.query = event.target.value.trim();
    clearInterval(state.search.timer);
    if (state.search.query) {
      $('#jobs tbody').replaceChildren();
      runSearch();
      state.search.timer = setInterval(runSearch, 3000);
    } else {
      state.search.results = null;
      state.search.seq++;
      renderJobs(state.snapshot?.jobs ?? [], null);
    }
  }, 250);
});
$('#job-search').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.target.value = '';
    event.target.dispatchEvent(new Event('input'));
  }
});

// ---------------------------------------------------------------------------------------------
// Job page

function jobPageHtml(d) {
  const j = d.job;
  const timeline = [
    ...(d.events ?? []).map((e) => ({ at: e.at, kind: 'state', attempt: e.attempt, text: `<strong>${esc(e.state)}</strong>${e.runner ? ` on ${esc(e.runner)}` : ''}${e.detail ? ` <span class="muted">${esc(e.detail)}</span>` : ''}` })),
    ...(d.deliveries ?? []).map((x) => ({ at: x.at, kind: 'delivery', attempt: null, text: `webhook <strong>${esc(x.event)}${x.action ? `.${esc(x.action)}` : ''}</strong> → ${esc(x.node ?? '?')} <span class="badge ${x.statusCode >= 200 && x.statusCode < 300 ? 'good' : 'bad'}">${esc(x.statusCode ?? '—')}</span> ${esc(x.outcome ?? '')}` })),
    ...(d.audit ?? []).map((a) => ({ at: a.at, kind: 'audit', attempt: null, text: `operator <strong>${esc(a.operator)}</strong>: ${esc(a.action)}${a.detail ? ` <span class="muted">${esc(a.detail)}</span>` : ''}` })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const attempts = new Set((d.events ?? []).map((e) => e.attempt).filter((a) => a > 0));
  const field = (name, value) => `<dt>${name}</dt><dd>${value}</dd>`;
  return `
    <h2>Job ${esc(j.jobId)} <span class="badge state state-${esc(j.state)}">${esc(String(j.state ?? '').replace('_', ' '))}</span>${j.conclusion ? ` <span class="muted">${esc(j.conclusion)}</span>` : ''}</h2>
    <dl class="kv">
      ${field('Repository', esc(j.repository))}
      ${field('Run', `${esc(j.runId)}${j.workflow ? ` · ${esc(j.workflow)}` : ''}${j.name ? ` · ${esc(j.name)}` : ''}`)}
      ${field('Labels', labels(j.labels))}
      ${field('Runner', esc(j.runner ?? '—'))}
      ${field('Attempt', `${esc(j.attempt)}${attempts.size > 1 ? ` <span class="muted">(${attempts.size} attempts seen)</span>` : ''}`)}
      ${field('Queued', `${clock(j.queuedAt)} ${timeAgo(j.queuedAt)}`)}
      ${field('Dispatched', after(j.queuedAt, j.dispatchedAt))}
      ${field('Started', after(j.queuedAt, j.startedAt))}
      ${field('Completed', after(j.queuedAt, j.completedAt))}
      ${j.deadReason ? field('Dead because', `<span class="error-text">${esc(j.deadReason)}</span>`) : ''}
      ${/^https?:\/\//i.test(j.htmlUrl ?? '') ? field('On GitHub', `<a href="${esc(j.htmlUrl)}" rel="noreferrer noopener" target="_blank">${esc(j.htmlUrl)}</a>`) : ''}
    </dl>
    <div class="job-actions">
      <button type="button" class="retry" data-job="${esc(j.jobId)}" ${j.state === 'dead' ? '' : 'disabled'} title="queue this dead job again">Retry</button>
      <button type="button" class="recheck" data-job="${esc(j.jobId)}" title="ask GitHub for this job's true state">Recheck with GitHub</button>
    </div>
    <h3>Timeline</h3>
    <table class="job-timeline"><thead><tr><th>When</th><th>Kind</th><th class="num">Attempt</th><th>What</th></tr></thead><tbody>
      ${timeline.map((t) => `<tr><td>${clock(t.at)} <span class="muted small">${timeAgo(t.at)}</span></td><td class="kind-${t.kind}">${t.kind}</td><td class="num">${esc(t.attempt ?? '')}</td><td class="wrap">${t.text}</td></tr>`).join('')
        || '<tr><td colspan="4" class="muted">no events</td></tr>'}
    </tbody></table>`;
}

async function loadJob() {
  const jobId = state.route.jobId;
  if (jobId == null) return;
  const content = $('#job-detail .content');
  try {
    const detail = await invoke('GetJob', jobId);
    if (state.route.jobId !== jobId) return;
    state.jobDetail.data = detail;
    setHtml(content, detail ? jobPageHtml(detail) : `<p>Job ${esc(jobId)} is not known to RunnerHub.</p>`);
    content.classList.remove('muted');
  } catch (error) {
    if (state.route.jobId !== jobId) return;
    if (!state.jobDetail.data) setHtml(content, `<p class="error-text">Could not load job ${esc(jobId)}: ${esc(error.message ?? error)}</p>`);
  }
}

// ---------------------------------------------------------------------------------------------
// Routing: #/ is the overview, #/jobs/<id> a job page.

function route() {
  const match = /^#\/jobs\/(\d+)$/.exec(location.hash);
  clearInterval(state.jobDetail.timer);
  if (match) {
    state.route = { page: 'job', jobId: Number(match[1]) };
    state.jobDetail.data = null;
    setHtml($('#job-detail .content'), `Loading job ${esc(match[1])}…`);
    $('#overview').hidden = true;
    $('#job-page').hidden = false;
    document.title = `Job ${match[1]} · RunnerHub`;
    loadJob();
    state.jobDetail.timer = setInterval(loadJob, 2000);
  } else {
    state.route = { page: 'overview', jobId: null };
    $('#overview').hidden = false;
    $('#job-page').hidden = true;
    document.title = 'RunnerHub';
  }
  window.scrollTo(0, 0);
}
window.addEventListener('hashchange', route);


export { runSearch, loadJob, route };
