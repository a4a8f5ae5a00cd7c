// The dashboard: sign-in with an operator token, then the fleet (and running commands), the history and the error log.
import { api, session, onUnauthorized } from './api.js';
import { showProblem } from './dom.js';
import { createFleet } from './fleet.js';
import { createRunPanel } from './run.js';
import { createHistory } from './history.js';
import { createErrorLog } from './errors.js';

const $ = (id) => document.getElementById(id);
const fleet = createFleet();
const history = createHistory();
const errors = createErrorLog();
const views = { fleet, history, errors };
createRunPanel(fleet, (id) => { location.hash = '#history'; history.open(id); });

function showTab() {
  const name = location.hash.slice(1) in views ? location.hash.slice(1) : 'fleet';
  for (const [view, controller] of Object.entries(views)) {
    const active = view === name;
    $(view).hidden = !active;
    document.querySelector(`[data-tab="${view}"]`).classList.toggle('active', active);
    if (active) controller.show(); else controller.hide();
  }
}

function signedIn(yes) {
  $('signin').hidden = yes;
  $('tabs').hidden = !yes;
  $('sign-out').hidden = !yes;
  if (yes) showTab();
  else for (const [view, controller] of Object.entries(views)) { $(view).hidden = true; controller.hide(); }
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  session.signIn($('token').value.trim());
  try {
    await api('GET', '/nodes');   // any call that needs a token will do; read is the least role
    $('token').value = '';
    showProblem($('signin-error'), null);
    signedIn(true);
  } catch (error) {
    session.signOut();
    showProblem($('signin-error'), error);
  }
});

$('sign-out').addEventListener('click', () => { session.signOut(); signedIn(false); });
onUnauthorized((error) => { session.signOut(); signedIn(false); showProblem($('signin-error'), error); });
window.addEventListener('hashchange', () => { if (session.token()) showTab(); });

signedIn(Boolean(session.token()));
