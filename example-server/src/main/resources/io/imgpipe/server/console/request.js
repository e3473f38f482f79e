// A request's page: progress bar, savings, a row per image, download and delete. The status is
// polled at most once a second while the request is unfinished, and not at all while the page is
// hidden.
import {
  ApiError, api, completion, describeError, el, exactBytes, fetchJson, fillProgress, formatBytes, percentSaved,
  safeHttpUrl,
  showMessage, statusBadge, timeElement,
} from './console.js';

const POLL_MS = 1000;
const THUMB_BOX = 96;

const requestId = new URLSearchParams(window.location.search).get('id') || '';
const statusUrl = api(`product/status/${encodeURIComponent(requestId)}`);

const idElement = document.getElementById('request-id');
const loadMessage = document.getElementById('load-message');
const summary = document.getElementById('summary');
const imagesSection = document.getElementById('images-section');
const statusElement = document.getElementById('status');
const progressText = document.getElementById('progress-text');
const progressBar = document.getElementById('progress');
const savingsElement = document.getElementById('savings');
const createdAt = document.getElementById('created-at');
const finishedAt = document.getElementById('finished-at');
const productCount = document.getElementById('product-count');
const failedCount = document.getElementById('failed-count');
const download = document.getElementById('download');
const deleteButton = document.getElementById('delete');
const confirmBox = document.getElementById('confirm');
const confirmButton = document.getElementById('confirm-delete');
const cancelButton = document.getElementById('cancel-delete');
const actionMessage = document.getElementById('action-message');
const imageRows = document.getElementById('image-rows');

const rows = new Map(); // key -> {row, signature}
let timer = null;
let inFlight = false;
let finished = false;
let gone = false;

idElement.textContent = requestId || '(none)';
document.title = `Request ${requestId} · imgpipe console`;
download.href = api(`product/status/${encodeURIComponent(requestId)}/csv`).href;
download.setAttribute('download', `${requestId}.csv`);

// ---- Polling -------------------------------------------------------------------------------

async function poll() {
  timer = null;
  if (inFlight || gone || document.hidden) {
    return;
  }
  inFlight = true;
  const started = performance.now();
  try {
    const status = await fetchJson(statusUrl);
    showMessage(loadMessage, '');
    render(status);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      gone = true;
      summary.hidden = true;
      imagesSection.hidden = true;
      showMessage(loadMessage, `There is no request ${requestId}: the id is wrong, or the request was deleted.`);
    } else {
      showMessage(loadMessage, describeError(error, 'reading the status'));
    }
  } finally {
    inFlight = false;
  }
  if (!finished && !gone) {
    schedule(Math.max(0, POLL_MS - (performance.now() - started)));
  }
}

function schedule(delay) {
  clearTimeout(timer);
  timer = document.hidden ? null : setTimeout(poll, delay);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    clearTimeout(timer);
    timer = null;
  } else if (!finished && !gone && timer === null) {
    poll();
  }
});

// ---- Rendering -----------------------------------------------------------------------------

function render(status) {
  finished = Boolean(status.finishedAt);
  summary.hidden = false;
  imagesSection.hidden = false;

  statusElement.className = `badge ${status.status}`;
  statusElement.textContent = status.status;

  const { progress } = status;
  const { done, percent } = completion(progress);
  const failedText = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  progressText.textContent = `${percent}% · ${done} of ${progress.total} images finished${failedText}`;
  progressBar.setAttribute('aria-valuenow', String(percent));
  progressBar.setAttribute('aria-valuetext', progressText.textContent);
  fillProgress(progressBar, progress);

  savingsElement.textContent = savingsText(status.savings);
  createdAt.replaceChildren(timeElement(status.createdAt));
  finishedAt.replaceChildren(status.finishedAt ? timeElement(status.finishedAt) : 'not yet');
  productCount.textContent = String(status.product.length);
  failedCount.textContent = String(progress.failed);
  deleteButton.disabled = !finished;

  renderImages(status.product);
}

function savingsText(savings) {
  if (!savings || savings.images === 0) {
    return 'No image compressed yet.';
  }
  // One decimal always, as in the rows: JSON's 89.0 arrives as 89.
  const images = `${savings.images} ${savings.images === 1 ? 'image' : 'images'}`;
  if (savings.savedBytes >= 0) {
    return `Saved ${formatBytes(savings.savedBytes)} (${Number(savings.savedPercent).toFixed(1)}%): `
      + `${formatBytes(savings.sourceBytes)} in, ${formatBytes(savings.outputBytes)} out, over ${images}.`;
  }
  return `The outputs are ${formatBytes(-savings.savedBytes)} larger than the sources (${Number(savings.savedPercent).toFixed(1)}%): `
    + `${formatBytes(savings.sourceBytes)} in, ${formatBytes(savings.outputBytes)} out, over ${images}.`;
}

// Rows are built once and a row is rebuilt only when its image changed, so a large request stays
// cheap to refresh.
function renderImages(products) {
  const seen = new Set();
  let previous = null;
  products.forEach((product, productIndex) => {
    product.images.forEach((image, imageIndex) => {
      const key = `${productIndex}/${imageIndex}`;
      seen.add(key);
      const signature = JSON.stringify([product.serialNumber, product.productName, image]);
      let entry = rows.get(key);
      if (!entry || entry.signature !== signature) {
        const row = imageRow(product, image, imageIndex);
        if (entry) {
          entry.row.replaceWith(row);
        }
        entry = { row, signature };
        rows.set(key, entry);
      }
      if (entry.row.previousElementSibling !== previous || entry.row.parentNode !== imageRows) {
        if (previous) {
          previous.after(entry.row);
        } else {
          imageRows.prepend(entry.row);
        }
      }
      previous = entry.row;
    });
  });
  for (const [key, entry] of rows) {
    if (!seen.has(key)) {
      entry.row.remove();
      rows.delete(key);
    }
  }
}

function imageRow(product, image, imageIndex) {
  const label = `${product.productName} (S. No. ${product.serialNumber}), image ${imageIndex + 1}`;
  const saved = percentSaved(image.sourceBytes, image.outputBytes);
  return el('tr', { 'data-status': image.status },
    el('td', { 'data-label': 'Product' },
      imageIndex === 0 ? el('strong', {}, product.productName) : product.productName,
      el('div', { class: 'hint' }, `S. No. ${product.serialNumber} · image ${imageIndex + 1}`)),
    el('td', { 'data-label': 'Source' }, sourceLink(image.url)),
    el('td', { 'data-label': 'Output' }, thumbnail(image, label)),
    bytesCell('Before', image.sourceBytes),
    bytesCell('After', image.outputBytes),
    el('td', { 'data-label': 'Saved', class: `num saved${saved !== null && Number(saved) < 0 ? ' saved-negative' : ''}` },
      saved === null ? '–' : `${saved}%`),
    el('td', { 'data-label': 'Status' }, statusBadge(image.status)),
    el('td', { 'data-label': 'Error', class: image.error ? 'error-text' : 'empty-cell' }, image.error || ''));
}

function sourceLink(url) {
  const href = safeHttpUrl(url);
  const text = shortUrl(url);
  if (!href) {
    return el('span', { class: 'source-link', title: url }, text);
  }
  return el('a', { class: 'source-link', href, title: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}

function shortUrl(url) {
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).pop() || '';
    return name ? `${parsed.host}/…/${decodeURIComponent(name)}` : parsed.host;
  } catch {
    return url;
  }
}

function thumbnail(image, label) {
  const href = safeHttpUrl(image.compressedUrl);
  if (!href) {
    return image.status === 'failed' ? 'none' : 'not yet';
  }
  const size = fit(image.width, image.height);
  const img = el('img', {
    class: 'thumb',
    src: href,
    alt: `Compressed ${label}`,
    width: size ? size.width : null,
    height: size ? size.height : null,
    loading: 'lazy',
    decoding: 'async',
  });
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', title: 'Open the compressed image' }, img);
}

function fit(width, height) {
  if (!width || !height) {
    return null;
  }
  const scale = Math.min(1, THUMB_BOX / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function bytesCell(label, bytes) {
  const cell = el('td', { 'data-label': label, class: 'num' }, formatBytes(bytes));
  if (bytes !== null && bytes !== undefined) {
    cell.title = exactBytes(bytes);
  }
  return cell;
}

// ---- Delete --------------------------------------------------------------------------------

deleteButton.addEventListener('click', () => {
  showMessage(actionMessage, '');
  confirmBox.hidden = false;
  confirmButton.focus();
});

cancelButton.addEventListener('click', () => {
  confirmBox.hidden = true;
  deleteButton.focus();
});

confirmButton.addEventListener('click', async () => {
  confirmButton.disabled = true;
  try {
    const response = await fetch(statusUrl, { method: 'DELETE' });
    if (response.status === 204) {
      window.location.assign(`./?deleted=${encodeURIComponent(requestId)}`);
      return;
    }
    let error;
    try {
      error = (await response.json()).error;
    } catch {
      error = null;
    }
    const reasons = {
      404: 'The request no longer exists.',
      409: 'The request is not finished yet: it can be deleted once every image has ended.',
    };
    showMessage(actionMessage, reasons[response.status]
      || `Deleting failed: ${error || 'unexpected answer'} (HTTP ${response.status}). Try again.`);
  } catch {
    showMessage(actionMessage, 'Could not reach the server: nothing was deleted.');
  } finally {
    confirmButton.disabled = false;
    confirmBox.hidden = true;
  }
});

// ---- Start ---------------------------------------------------------------------------------

if (!requestId) {
  showMessage(loadMessage, 'No request id: open a request from the list.');
} else {
  poll();
}
