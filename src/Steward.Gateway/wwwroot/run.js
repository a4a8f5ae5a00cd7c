// Runs a command on the selected nodes: one POST /messages/batch (REQCliCommand), then the batch's event stream, each
// node's state as a badge and its output as it comes in; a running node's message can be cancelled from its card.
import { api, stream, listen } from './api.js';
import { el, badge, finalStates, showProblem } from './dom.js';
import { splitCommandLine } from './command-line.js';

const $ = (id) => document.getElementById(id);
const keptRuns = 10;

export function createRunPanel(fleet, openMessage) {
  $('run-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    showProblem($('run-problem'), null);
    try {
      const args = splitCommandLine($('command').value);
      const body = { toHosts: fleet.selected(), method: 'REQCliCommand', methodArgs: args };
      const timeout = $('timeout').value.trim();
      if (timeout !== '') body.methodTimeout = Number(timeout);
      const accepted = await api('POST', '/messages/batch', body);
      follow(accepted, args);
    } catch (error) {
      showProblem($('run-problem'), error);
    }
  });

  function follow(accepted, args) {
    const cards = new Map();
    for (const [node, id] of Object.entries(accepted.ids).sort()) cards.set(node, card(node, id));
    const status = el('span', { class: 'muted' }, 'following…');
    const run = el('div', { class: 'run-result', 'data-batch': accepted.batchId },
      el('div', { class: 'run-head' }, el('code', {}, args.join(' ')), el('span', { class: 'muted' }, ` batch ${accepted.batchId} · `), status),
      el('div', { class: 'cards' }, [...cards.values()].map((c) => c.element)));
    $('runs').prepend(run);
    while ($('runs').children.length > keptRuns) $('runs').lastElementChild.remove();

    const source = stream(`/batches/${accepted.batchId}/events`);
    const finish = () => {
      if (![...cards.values()].every((c) => finalStates.has(c.state))) return;
      source.close();
      status.textContent = 'finished';
    };
    listen(source, {
      state: (event) => { cards.get(event.node)?.setState(event.state, event.error); finish(); },
      reply: (event) => cards.get(event.node)?.reply(event.output, event.exitCode),
      error: (event) => cards.get(event.node)?.error(event.error),
    }, (readyState) => {
      if (readyState === EventSource.OPEN) status.textContent = 'following…';
      else if (readyState === EventSource.CONNECTING) status.textContent = 'reconnecting…';
      else status.textContent = 'the stream was refused (see the history for the outcome)';
    });
  }

  function card(node, id) {
    const state = el('span', {}, badge('queued'));
    const output = el('pre', { class: 'output' });
    const exit = el('span', { class: 'muted' });
    const note = el('div', { class: 'note' });
    const cancel = el('button', { type: 'button', class: 'cancel', onclick: () => cancelMessage() }, 'Cancel');
    const element = el('div', { class: 'card', 'data-run-node': node, 'data-message': id },
      el('div', { class: 'card-head' }, el('strong', {}, node), state,
        el('a', { href: `#history/${id}`, class: 'muted', onclick: (e) => { e.preventDefault(); openMessage(id); } }, `#${id}`), exit, cancel),
      output, note);
    const self = {
      element,
      state: 'queued',
      setState(value, error) {
        self.state = value;
        state.replaceChildren(badge(value));
        if (error) self.error(error);
        if (finalStates.has(value)) cancel.remove();
      },
      reply(text, exitCode) {
        output.textContent += text ?? '';
        if (exitCode !== undefined && exitCode !== null) exit.textContent = `exit ${exitCode}`;
      },
      error(text) { note.append(el('div', { class: 'problem' }, text)); },
    };
    async function cancelMessage() {
      cancel.disabled = true;
      try {
        const view = await api('DELETE', `/messages/${id}`);
        note.append(el('div', { class: 'muted' }, `cancel asked: the message is ${view.state}`));
      } catch (error) {
        note.append(el('div', { class: 'problem' }, error.message));
        cancel.disabled = false;
      }
    }
    return self;
  }
}
