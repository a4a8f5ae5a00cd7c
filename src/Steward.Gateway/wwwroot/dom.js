// Small DOM helpers: elements built with textContent only (no HTML from data), badges, times.

/** An element: props are attributes, except class, on* listeners, and the properties checked, value and disabled. */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'checked' || name === 'value' || name === 'disabled') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const finalStates = new Set(['done', 'failed', 'rejected', 'cancelled']);

/** A message's state as a coloured badge (colours in dashboard.css, one per state). */
export function badge(state) {
  return el('span', { class: `badge state-${state}`, 'data-state': state }, state);
}

const pad = (n) => String(n).padStart(2, '0');

/** A UTC timestamp from the API in the browser's time zone: 2026-05-04 10:11:12. */
export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How long ago, roughly: 5 s ago, 3 min ago, 2 h ago, 4 d ago. */
export function ago(iso) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** Shows a problem (an Error, or text) in a problem paragraph; nothing clears it. */
export function showProblem(element, problem) {
  element.textContent = problem ? (problem.message ?? String(problem)) : '';
}
