// The fleet: GET /nodes (from the nodes' hellos), filtered by name here and by label selector at the gateway, with a
// checkbox per node for the run panel.
import { api } from './api.js';
import { el, ago, time, showProblem } from './dom.js';

const $ = (id) => document.getElementById(id);
const refreshSeconds = 10;

export function createFleet() {
  let nodes = [];
  let selector = '';
  const selected = new Set();
  let timer = null;

  const shown = () => {
    const filter = $('fleet-filter').value.trim().toLowerCase();
    return nodes.filter((n) => n.name.toLowerCase().includes(filter));
  };

  function render() {
    const rows = shown().map((n) => el('tr', { 'data-node': n.name },
      el('td', {}, el('input', {
        type: 'checkbox', checked: selected.has(n.name), 'aria-label': `select ${n.name}`,
        onchange: (e) => { if (e.target.checked) selected.add(n.name); else selected.delete(n.name); renderSelection(); },
      })),
      el('td', { class: 'name' }, n.name),
      el('td', {}, el('span', { class: `badge ${n.online ? 'online' : 'offline'}` }, n.online ? 'online' : 'offline')),
      el('td', { title: time(n.lastSeen) }, ago(n.lastSeen)),
      el('td', { class: 'version' }, n.version ?? ''),
      el('td', {}, [n.os, n.arch].filter(Boolean).join('/')),
      el('td', {}, Object.entries(n.labels ?? {}).map(([k, v]) => el('span', { class: 'label' }, `${k}=${v}`)))));
    $('fleet-rows').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No node matches.'))]));
    renderSelection();
  }

  function renderSelection() {
    const visible = shown().map((n) => n.name);
    $('fleet-all').checked = visible.length > 0 && visible.every((n) => selected.has(n));
    const count = selected.size;
    $('run').textContent = count === 1 ? 'Run on 1 node' : `Run on ${count} nodes`;
    $('run').disabled = count === 0;
  }

  async function refresh() {
    try {
      nodes = await api('GET', selector ? `/nodes?selector=${encodeURIComponent(selector)}` : '/nodes');
      nodes.sort((a, b) => a.name.localeCompare(b.name));
      const known = new Set(nodes.map((n) => n.name));
      for (const name of [...selected]) if (!known.has(name)) selected.delete(name);
      showProblem($('fleet-problem'), null);
      $('fleet-status').textContent = `${nodes.filter((n) => n.online).length} of ${nodes.length} online · ${time(new Date().toISOString())}`;
      render();
    } catch (e) {
      showProblem($('fleet-problem'), e);
    }
  }

  $('fleet-filter').addEventListener('input', render);
  $('fleet-selector-form').addEventListener('submit', (e) => { e.preventDefault(); selector = $('fleet-selector').value.trim(); refresh(); });
  $('fleet-refresh').addEventListener('click', refresh);
  $('fleet-all').addEventListener('change', (e) => {
    for (const n of shown()) if (e.target.checked) selected.add(n.name); else selected.delete(n.name);
    render();
  });

  return {
    selected: () => [...selected].sort(),
    refresh,
    show() { refresh(); timer ??= setInterval(refresh, refreshSeconds * 1000); },
    hide() { clearInterval(timer); timer = null; },
  };
}
