// Central's error log, live: GET /errors/events from the first entry on, newest shown first. The stream is open only
// while this view is shown (streams count against the gateway's MaxEventStreams).
import { stream, listen } from './api.js';
import { el, time } from './dom.js';

const $ = (id) => document.getElementById(id);
const keptEntries = 500;

export function createErrorLog() {
  let source = null;
  const seen = new Set();

  function add(entry) {
    if (seen.has(entry.seq)) return;
    seen.add(entry.seq);
    $('error-rows').prepend(el('tr', { 'data-seq': entry.seq },
      el('td', {}, entry.seq), el('td', {}, time(entry.at)), el('td', {}, entry.node),
      el('td', {}, entry.messageId ? `${entry.messageFromNode ?? ''}/${entry.messageId}` : ''), el('td', { class: 'line' }, entry.line)));
    while ($('error-rows').children.length > keptEntries) $('error-rows').lastElementChild.remove();
  }

  return {
    show() {
      if (source) return;
      source = stream('/errors/events');
      $('errors-status').textContent = 'connecting…';
      listen(source, { error: add }, (readyState) => {
        $('errors-status').textContent = readyState === EventSource.OPEN ? 'live'
          : readyState === EventSource.CONNECTING ? 'reconnecting…' : 'the stream was refused; open the tab again to retry';
        if (readyState === EventSource.CLOSED) source = null;
      });
    },
    hide() { source?.close(); source = null; $('errors-status').textContent = ''; },
  };
}
