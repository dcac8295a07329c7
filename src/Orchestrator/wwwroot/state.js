// The page's state, shared by its modules; exposed as window.runnerhubDashboard for the browser
// test and for poking from the console (read-only by convention).

export const state = {
  snapshot: null,
  receivedAt: 0,          // Date.now() when the last snapshot arrived
  skewMs: 0,              // local clock minus the server's, from generatedAt
  search: { query: '', results: null, timer: 0, seq: 0 },
  route: { page: 'overview', jobId: null },
  jobDetail: { jobId: null, data: null, timer: 0 },
  connectionLog: [],      // { at, state, servedBy } for operators' curiosity and the browser test
};

window.runnerhubDashboard = state;

// ---------------------------------------------------------------------------------------------
// Toasts

function toast(message, kind = 'ok') {
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.textContent = message;
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 5000);
}

export { toast };
