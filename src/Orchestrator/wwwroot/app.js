// RunnerHub operator dashboard: one SignalR connection to /hubs/dashboard through HAProxy, a
// `snapshot` of the whole state about every second, and a few invocations (search, job details,
// operator actions). No framework and no build step; signalR and uPlot are globals from
// /lib (vendored by scripts/frontend-libs). The page makes no request to any other origin.

import { $, renderTimes } from './format.js';
import { state, toast } from './state.js';
import { startLoop, invoke } from './connection.js';
import { loadJob, route } from './jobs.js';

// ---------------------------------------------------------------------------------------------
// Actions (event delegation: rows are re-rendered, the listener stays).

async function act(method, arg, button) {
  if (button) button.disabled = true;
  try {
    const result = await invoke(method, arg);
    toast(result?.message ?? `${method} ${arg}: done`, result?.ok === false ? 'error' : 'ok');
  } catch (error) {
    toast(`${method} ${arg} failed: ${error.message ?? error}`, 'error');
  } finally {
    // The next snapshot decides whether the button stays disabled.
    if (button) { button.disabled = false; button.closest('tr')._html = null; }
    if (state.route.page === 'job') loadJob();
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  const runner = event.target.closest('tr[data-runner]')?.dataset.runner;
  if (button && runner) {
    if (button.classList.contains('drain')) act('DrainRunner', runner, button);
    else if (button.classList.contains('resume')) act('ResumeRunner', runner, button);
    else if (button.classList.contains('remove') && window.confirm(`Remove runner ${runner}? Its running jobs will be re-queued.`)) act('RemoveRunner', runner, button);
    return;
  }
  if (button?.dataset.job) {
    const jobId = Number(button.dataset.job);
    if (button.classList.contains('retry')) act('RetryJob', jobId, null);
    else if (button.classList.contains('recheck')) act('RecheckJob', jobId, null);
    return;
  }
  const row = event.target.closest('#jobs tr[data-job]');
  if (row && !event.target.closest('a')) location.hash = `#/jobs/${row.dataset.job}`;
});

// ---------------------------------------------------------------------------------------------
// Start

setInterval(() => {
  renderTimes();
  const stale = state.receivedAt && Date.now() - state.receivedAt > 5000;
  $('#last-update').classList.toggle('stale', Boolean(stale));
}, 1000);

route();
startLoop(null);
