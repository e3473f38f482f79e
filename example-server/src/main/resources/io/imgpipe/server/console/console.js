// Shared helpers of the imgpipe console. Every URL is relative to the console's own (/ui/), so the
// console works wherever the server is mounted. Text from the server is always set as text, never
// parsed as HTML.

/** The server's root, resolved from the console's location. */
export const SERVER = new URL('../', document.baseURI);

/** @returns {URL} an API URL */
export function api(path) {
  return new URL(path.replace(/^\//, ''), SERVER);
}

/** An answer of the API that is not a success, with the server's message. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.error === 'string' ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** Fetches JSON; throws an ApiError for an error answer, a TypeError when the server is unreachable. */
export async function fetchJson(url, options = {}) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', ...options });
  const body = await readJson(response);
  if (!response.ok) {
    throw new ApiError(response.status, body);
  }
  return body;
}

/** @returns {Promise<object|null>} the body as JSON, or null if it is not JSON */
export async function readJson(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** @returns {string} a sentence for an error of fetchJson */
export function describeError(error, what) {
  if (error instanceof ApiError) {
    if (error.status === 503) {
      return `The server is starting; ${what} will work in a moment.`;
    }
    return `${capitalise(what)} failed: ${error.message} (HTTP ${error.status}).`;
  }
  return `Could not reach the server: ${what} failed.`;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else if (name === 'text') {
      element.textContent = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** @returns {string|null} the URL if it is http(s), else null: links never run script */
export function safeHttpUrl(value) {
  if (typeof value !== 'string') {
    return null;
  }
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** @returns {string} a byte count for people: 512 B, 12.3 KiB, 4.0 MiB */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) {
    return '–';
  }
  const negative = bytes < 0;
  let value = Math.abs(bytes);
  if (value < 1024) {
    return `${negative ? '−' : ''}${value} B`;
  }
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${negative ? '−' : ''}${value.toFixed(1)} ${UNITS[unit]}`;
}

/** @returns {string} the exact count, for a title: 12,345 bytes */
export function exactBytes(bytes) {
  return `${Number(bytes).toLocaleString('en-US')} bytes`;
}

/** @returns {string|null} the share of the source saved, to one decimal, or null without sizes */
export function percentSaved(sourceBytes, outputBytes) {
  if (!sourceBytes || outputBytes === null || outputBytes === undefined) {
    return null;
  }
  return (((sourceBytes - outputBytes) * 100) / sourceBytes).toFixed(1);
}

/** @returns {HTMLTimeElement|string} a time element showing the local time, or a dash */
export function timeElement(iso) {
  if (!iso) {
    return '–';
  }
  const date = new Date(iso);
  return el('time', { datetime: iso, title: iso }, date.toLocaleString());
}

/** @returns {{done: number, percent: number}} how far a request is: finished images of all */
export function completion(progress) {
  const done = progress.completed + progress.failed;
  const percent = progress.total === 0 ? 100 : Math.floor((done * 100) / progress.total);
  return { done, percent };
}

/** Sets the widths of a stacked progress bar's parts: completed, then failed images. */
export function fillProgress(bar, progress) {
  const share = (count) => (progress.total === 0 ? 0 : (count * 100) / progress.total);
  const { percent } = completion(progress);
  bar.classList.toggle('done', percent === 100 && progress.failed === 0);
  bar.querySelector('.progress-fill').style.width = `${share(progress.completed)}%`;
  bar.querySelector('.progress-failed').style.width = `${share(progress.failed)}%`;
}

/** @returns {HTMLSpanElement} a status badge, readable without its colour */
export function statusBadge(status) {
  return el('span', { class: `badge ${status}` }, status);
}

/** Shows a message in a region (role=alert or status), or hides it for an empty text. */
export function showMessage(region, text, kind = 'error') {
  region.textContent = text || '';
  region.classList.toggle('info', kind === 'info');
  region.hidden = !text;
}
