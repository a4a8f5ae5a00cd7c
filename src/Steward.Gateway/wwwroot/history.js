// Message history: GET /messages with its filters (node, state, method) and paging ("next" is the following page's
// "after"); a message's full event timeline from GET /messages/{id}, followed live while it is not final.
import { api, stream, listen } from './api.js';
import { el, badge, finalStates, time, showProblem } from './dom.js';

const $ = (id) => document.getElementById(id);

export function createHistory() {
  let pages = [];        // the "after" of each page shown so far; the last is the current page
  let next = null;
  let following = null;  // the EventSource of the open timeline

  function query(after) {
    const params = new URLSearchParams();
    for (const [name, id] of [['node', 'history-node'], ['state', 'history-state'], ['method', 'history-method']]) {
      const value = $(id).value.trim();
      if (value) params.set(name, value);
    }
    params.set('limit', $('history-limit').value);
    if (after) params.set('after', after);
    return `/messages?${params}`;
  }

  async function load(after) {
    try {
      const page = await api('GET', query(after));
      showProblem($('history-problem'), null);
      next = page.next ?? null;
      $('history-rows').replaceChildren(...(page.messages.length ? page.messages.map(row)
        : [el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No message matches.'))]));
      $('history-next').disabled = next === null;
      $('history-first').disabled = pages.length <= 1;
      $('history-page').textContent = `page ${pages.length} · ${page.messages.length} message(s)`;
    } catch (e) {
      showProblem($('history-problem'), e);
    }
  }

  const row = (m) => el('tr', { 'data-message': m.id, onclick: () => open(m.id) },
    el('td', {}, m.id), el('td', {}, m.toNode), el('td', {}, m.method), el('td', {}, badge(m.state)), el('td', {}, m.attempts),
    el('td', {}, m.exitCode ?? ''), el('td', {}, time(m.createdAt)), el('td', {}, time(m.updatedAt)), el('td', {}, m.batchId ?? ''));

  function search() { pages = [null]; load(null); }

  async function open(id) {
    following?.close();
    following = null;
    const panel = $('timeline');
    panel.hidden = false;
    let view;
    try {
      view = await api('GET', `/messages/${id}`);
    } catch (e) {
      panel.replaceChildren(el('h2', {}, `Message ${id}`), el('p', { class: 'problem' }, e.message));
      return;
    }
    const state = el('span', {}, badge(view.state));
    const note = el('div', { class: 'note' });
    const events = el('tbody', {});
    const seen = new Set();
    const add = (event) => {
      if (seen.has(event.seq)) return;
      seen.add(event.seq);
      events.append(eventRow(event));
      if (event.kind === 'state') {
        state.replaceChildren(badge(event.state));
        if (finalStates.has(event.state)) { cancel.remove(); following?.close(); }
      }
    };
    const cancel = el('button', { type: 'button', class: 'cancel', onclick: async () => {
      cancel.disabled = true;
      try {
        const after = await api('DELETE', `/messages/${id}`);
        note.append(el('div', { class: 'muted' }, `cancel asked: the message is ${after.state}`));
      } catch (e) {
        note.append(el('div', { class: 'problem' }, e.message));
        cancel.disabled = false;
      }
    } }, 'Cancel');
    panel.replaceChildren(
      el('div', { class: 'toolbar' }, el('h2', {}, `Message ${view.id}`), state, finalStates.has(view.state) ? null : cancel),
      el('dl', { class: 'facts' },
        fact('To', view.toNode), fact('Method', view.method), fact('Attempts', view.attempts),
        fact('Created', time(view.createdAt)), fact('Updated', time(view.updatedAt)), view.lastError ? fact('Last error', view.lastError) : null),
      note,
      el('table', { class: 'grid timeline' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Seq'), el('th', {}, 'At'), el('th', {}, 'Node'), el('th', {}, 'Event'), el('th', {}, 'Detail'))),
        events));
    for (const event of view.events) add(event);
    if (!finalStates.has(view.state)) {
      // The stream starts with every stored event (the seen ones are skipped) and goes on live until the message is final.
      following = stream(`/messages/${id}/events`);
      listen(following, { state: add, reply: add, error: add });
    }
    panel.scrollIntoView({ block: 'nearest' });
  }

  const fact = (name, value) => [el('dt', {}, name), el('dd', {}, value)];

  function eventRow(e) {
    const detail = [];
    if (e.attempt) detail.push(el('span', { class: 'muted' }, `attempt ${e.attempt} `));
    if (e.wave) detail.push(el('span', { class: 'muted' }, `wave ${e.wave} `));
    if (e.exitCode !== undefined) detail.push(el('span', { class: 'muted' }, `exit ${e.exitCode} `));
    if (e.output) detail.push(el('pre', { class: 'output' }, e.output));
    if (e.error) detail.push(el('span', { class: 'problem' }, e.error));
    return el('tr', { 'data-seq': e.seq }, el('td', {}, e.seq), el('td', {}, time(e.at)), el('td', {}, e.node),
      el('td', {}, e.kind === 'state' ? badge(e.state) : el('span', { class: `kind-${e.kind}` }, e.kind)), el('td', {}, detail));
  }

  $('history-form').addEventListener('submit', (e) => { e.preventDefault(); search(); });
  $('history-next').addEventListener('click', () => { if (next !== null) { pages.push(next); load(next); } });
  $('history-first').addEventListener('click', search);

  return {
    show() { if (pages.length === 0) search(); else load(pages[pages.length - 1]); },
    hide() { following?.close(); following = null; },
    open,
  };
}
