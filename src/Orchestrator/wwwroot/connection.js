// The connection to /hubs/dashboard and the session behind it.

import { state, toast } from './state.js';
import { $, duration, renderTimes } from './format.js';
import { renderSnapshot } from './overview.js';
import { runSearch, loadJob } from './jobs.js';

// ---------------------------------------------------------------------------------------------
// Connection: one WebSocket request without negotiation (HAProxy's round robin cannot send a
// negotiate and its connect to different nodes), automatic reconnects forever, and a restart
// loop for when a start fails or the connection closes for good.

const connection = new window.signalR.HubConnectionBuilder()
  .withUrl('/hubs/dashboard', { skipNegotiation: true, transport: window.signalR.HttpTransportType.WebSockets })
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => (ctx.previousRetryCount < 3 ? 250 : 1000) })
  .configureLogging(window.signalR.LogLevel.Warning)
  .build();
// Snapshots come about every second: no message for 10 s means the server is gone even if the
// TCP connection looks open (the default is 30 s).
connection.serverTimeoutInMilliseconds = 10_000;

let downSince = 0;
const skewSamples = [];

function setConnectionState(name, text) {
  const el = $('#connection-state');
  el.className = `conn-state ${name}`;
  el.textContent = text;
  const banner = $('#banner');
  if (name === 'connected') {
    banner.hidden = true;
    banner.textContent = '';
  } else if (name !== 'connecting' || state.snapshot) {
    banner.hidden = false;
    banner.textContent = `Connection to RunnerHub lost — reconnecting… (data shown is from ${state.receivedAt ? new Date(state.receivedAt).toLocaleTimeString([], { hour12: false }) : 'never'})`;
  }
  if (name !== 'connected') $('#served-by').classList.add('stale');
  state.connectionLog.push({ at: new Date().toISOString(), state: name, servedBy: state.snapshot?.servedBy ?? null });
  if (state.connectionLog.length > 200) state.connectionLog.shift();
}

function goToLogin() {
  const here = location.pathname + location.search + location.hash;
  location.assign(`/login?returnUrl=${encodeURIComponent(here)}`);
}

// A WebSocket handshake's status code is invisible to scripts, so while (re)connecting fails
// ask the server whether the session still holds: a page GET that ends at /login means it
// expired. A 5xx or a network error means the cluster is down, and we keep trying.
async function sessionExpired() {
  try {
    const response = await fetch('/', { cache: 'no-store', credentials: 'same-origin' });
    return response.status === 401 || (response.redirected && new URL(response.url).pathname === '/login');
  } catch {
    return false;
  }
}

// Automatic reconnects retry forever without telling us why they fail: look at the session
// every few seconds while they do.
let sessionWatch = 0;
function watchSession(on) {
  clearInterval(sessionWatch);
  sessionWatch = on ? setInterval(() => checkSessionAfter(null), 3000) : 0;
}

async function checkSessionAfter(error) {
  if (error?.statusCode === 401 || (await sessionExpired())) {
    goToLogin();
    return true;
  }
  return false;
}

// A part the server could not read this time (PostgreSQL or Redis out) comes as null and is
// named in `errors`: keep showing what we had for it.
function merge(previous, next) {
  if (!previous) return next;
  const merged = { ...next };
  for (const key of ['queues', 'runners', 'jobs', 'failovers', 'charts', 'audit']) {
    if (merged[key] == null) merged[key] = previous[key];
  }
  if (merged.cluster && merged.cluster.nodes == null) merged.cluster = { ...merged.cluster, nodes: previous.cluster?.nodes };
  return merged;
}

function renderErrors(errors) {
  const el = $('#errors');
  el.hidden = !errors?.length;
  el.textContent = errors?.length ? `${errors.join(' · ')} — parts of the page show older data` : '';
}

connection.on('snapshot', (received) => {
  const wasDown = downSince;
  const snapshot = merge(state.snapshot, received);
  state.snapshot = snapshot;
  renderErrors(received.errors);
  state.receivedAt = Date.now();
  const generated = Date.parse(snapshot.generatedAt);
  if (!Number.isNaN(generated)) {
    // The clocks' offset is the smallest receive-minus-generated lately: a snapshot the server
    // had cached for a moment, or a slow network, must not shift every relative time.
    skewSamples.push(state.receivedAt - generated);
    if (skewSamples.length > 30) skewSamples.shift();
    state.skewMs = Math.min(...skewSamples);
  }
  // #last-update counts from when the snapshot arrived here, whatever the clocks' skew.
  $('#last-update').dataset.at = new Date(state.receivedAt - state.skewMs).toISOString();
  renderSnapshot(snapshot);
  if ($('#connection-state').textContent !== 'connected') setConnectionState('connected', 'connected');
  watchSession(false);
  if (wasDown) {
    downSince = 0;
    toast(`Reconnected to ${snapshot.servedBy} after ${duration((state.receivedAt - wasDown) / 1000)}`);
  }
  renderTimes();
});

connection.onreconnecting(() => {
  if (!downSince) downSince = Date.now();
  skewSamples.length = 0; // the next node may keep another time
  setConnectionState('reconnecting', 'reconnecting…');
  watchSession(true);
});

connection.onreconnected(() => {
  // Connected again; 'connected' is shown when the first snapshot proves the server talks.
  state.connectionLog.push({ at: new Date().toISOString(), state: 'transport-open', servedBy: null });
  refreshAfterReconnect();
});

connection.onclose(async (error) => {
  if (!downSince) downSince = Date.now();
  setConnectionState('reconnecting', 'reconnecting…');
  await startLoop(error);
});

let starting = false;

async function startLoop(lastError) {
  if (starting) return;
  starting = true;
  let failures = 0;
  try {
    if (lastError && (await checkSessionAfter(lastError))) return;
    for (;;) {
      try {
        await connection.start();
        refreshAfterReconnect();
        return;
      } catch (error) {
        failures++;
        if (state.snapshot || failures > 1) {
          if (!downSince) downSince = Date.now();
          setConnectionState('reconnecting', 'reconnecting…');
        }
        if (failures % 4 === 1 && (await checkSessionAfter(error))) return;
        await new Promise((resolve) => setTimeout(resolve, failures <= 3 ? 250 : 1000));
      }
    }
  } finally {
    starting = false;
  }
}

function refreshAfterReconnect() {
  if (state.search.query) runSearch();
  if (state.route.page === 'job') loadJob();
}

async function invoke(method, ...args) {
  if (connection.state !== window.signalR.HubConnectionState.Connected) {
    throw new Error('not connected to RunnerHub; try again in a moment');
  }
  return connection.invoke(method, ...args);
}


export { startLoop, invoke };
