// The console's first page: upload a CSV (file picker or drop), list requests newest first.
import {
  ApiError, api, completion, describeError, el, fetchJson, fillProgress, readJson, showMessage, statusBadge,
  timeElement,
} from './console.js';

const PAGE_SIZE = 20;
const REFRESH_MS = 2000;

const form = document.getElementById('upload-form');
const fileInput = document.getElementById('file');
const dropZone = document.getElementById('drop-zone');
const fileName = document.getElementById('file-name');
const webhookInput = document.getElementById('webhook');
const uploadButton = document.getElementById('upload-button');
const uploadMessage = document.getElementById('upload-message');
const problems = document.getElementById('problems');
const problemRows = document.getElementById('problem-rows');
const requestRows = document.getElementById('request-rows');
const requestsMessage = document.getElementById('requests-message');
const requestsEmpty = document.getElementById('requests-empty');
const newerButton = document.getElementById('newer');
const olderButton = document.getElementById('older');
const refreshButton = document.getElementById('refresh');
const notice = document.getElementById('notice');

// ---- Upload --------------------------------------------------------------------------------

function chosenFile() {
  return fileInput.files && fileInput.files.length > 0 ? fileInput.files[0] : null;
}

function showChosenFile() {
  const file = chosenFile();
  fileName.textContent = file ? `Chosen: ${file.name}` : 'No file chosen';
}

fileInput.addEventListener('change', () => {
  showChosenFile();
  clearUploadResult();
});

// The input covers the zone, so clicks and keys reach it; drops are taken here, wherever they land.
for (const type of ['dragenter', 'dragover']) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
}
for (const type of ['dragleave', 'dragend']) {
  dropZone.addEventListener(type, () => dropZone.classList.remove('dragging'));
}
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  if (event.dataTransfer && event.dataTransfer.files.length > 0) {
    fileInput.files = event.dataTransfer.files;
    fileInput.dispatchEvent(new Event('change'));
  }
});

function clearUploadResult() {
  showMessage(uploadMessage, '');
  problems.hidden = true;
  problemRows.replaceChildren();
}

function showProblems(details) {
  problemRows.replaceChildren(...details.map((problem) => el('tr', {},
    el('td', { 'data-label': 'Line' }, problem.line === null || problem.line === undefined ? '–' : String(problem.line)),
    el('td', { 'data-label': 'Column' }, problem.column || '–'),
    el('td', { 'data-label': 'Problem' }, problem.message))));
  problems.hidden = details.length === 0;
}

function refusal(status, body) {
  const error = body && typeof body.error === 'string' ? body.error : null;
  if (status === 413) {
    return `The file is too large. ${error || ''}`.trim();
  }
  if (status === 400) {
    const count = body && Array.isArray(body.details) ? body.details.length : 0;
    if (error === 'Invalid CSV file') {
      return `The CSV was refused: ${count} ${count === 1 ? 'problem' : 'problems'} found. Nothing was stored.`;
    }
    return `The upload was refused: ${error || 'bad request'}.`;
  }
  if (status === 503) {
    return 'The server is starting; try again in a moment.';
  }
  return `The upload failed: ${error || 'unexpected answer'} (HTTP ${status}).`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearUploadResult();
  const file = chosenFile();
  if (!file) {
    showMessage(uploadMessage, 'Choose a CSV file first.');
    fileInput.focus();
    return;
  }
  const data = new FormData();
  data.append('file', file, file.name);
  const webhook = webhookInput.value.trim();
  if (webhook) {
    data.append('webhookUrl', webhook);
  }
  uploadButton.disabled = true;
  uploadButton.textContent = 'Uploading…';
  try {
    const response = await fetch(api('product/upload'), { method: 'POST', body: data });
    const body = await readJson(response);
    if (response.ok && body && body.requestId) {
      window.location.assign(`request.html?id=${encodeURIComponent(body.requestId)}`);
      return;
    }
    showMessage(uploadMessage, refusal(response.status, body));
    if (body && Array.isArray(body.details)) {
      showProblems(body.details);
    }
  } catch (error) {
    showMessage(uploadMessage, 'Could not reach the server: the file was not uploaded.');
  } finally {
    uploadButton.disabled = false;
    uploadButton.textContent = 'Upload';
  }
});

// ---- Request list --------------------------------------------------------------------------

const cursors = [null]; // cursors[i] lists page i; page 0 is the newest
let page = 0;
let refreshTimer = null;
let loading = false;

function progressCell(progress) {
  const { done, percent } = completion(progress);
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  const label = `${done} of ${progress.total} images finished${failed}`;
  const bar = el('div', {
    class: 'progress small',
    role: 'progressbar',
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-valuenow': percent,
    'aria-valuetext': `${percent}%: ${label}`,
    'aria-label': 'Images finished',
  }, el('div', { class: 'progress-fill' }), el('div', { class: 'progress-failed' }));
  fillProgress(bar, progress);
  return el('td', { 'data-label': 'Progress' }, bar, el('span', { class: 'progress-label' }, `${percent}% · ${label}`));
}

function requestRow(request) {
  const link = el('a', { href: `request.html?id=${encodeURIComponent(request.requestId)}`, class: 'request-link' },
    el('code', {}, request.requestId));
  return el('tr', { 'data-request-id': request.requestId },
    el('td', { 'data-label': 'Request' }, link),
    el('td', { 'data-label': 'Uploaded' }, timeElement(request.createdAt)),
    el('td', { 'data-label': 'Products', class: 'num' }, String(request.productCount)),
    el('td', { 'data-label': 'Status' }, statusBadge(request.status)),
    progressCell(request.progress));
}

async function loadRequests() {
  if (loading) {
    return;
  }
  loading = true;
  clearTimeout(refreshTimer);
  refreshTimer = null;
  const url = api('product/requests');
  url.searchParams.set('limit', String(PAGE_SIZE));
  if (cursors[page]) {
    url.searchParams.set('before', cursors[page]);
  }
  try {
    const body = await fetchJson(url);
    showMessage(requestsMessage, '');
    requestRows.replaceChildren(...body.requests.map(requestRow));
    requestsEmpty.hidden = body.requests.length > 0 || page > 0;
    cursors.length = page + 1;
    if (body.next) {
      cursors.push(body.next);
    }
    olderButton.disabled = !body.next;
    newerButton.disabled = page === 0;
    const unfinished = body.requests.some((request) => !request.finishedAt);
    if (page === 0 && unfinished) {
      scheduleRefresh();
    }
  } catch (error) {
    showMessage(requestsMessage, describeError(error, 'listing the requests'));
    if (!(error instanceof ApiError) || error.status === 503 || error.status >= 500) {
      scheduleRefresh();
    }
  } finally {
    loading = false;
  }
}

// Unfinished requests on the first page are refreshed every few seconds, never while the page is hidden.
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = document.hidden ? null : setTimeout(loadRequests, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    clearTimeout(refreshTimer);
    refreshTimer = null;
  } else {
    loadRequests();
  }
});

olderButton.addEventListener('click', () => {
  if (cursors.length > page + 1) {
    page++;
    loadRequests();
  }
});
newerButton.addEventListener('click', () => {
  if (page > 0) {
    page--;
    loadRequests();
  }
});
refreshButton.addEventListener('click', () => loadRequests());

const deleted = new URLSearchParams(window.location.search).get('deleted');
if (deleted) {
  notice.textContent = `Request ${deleted} was deleted, with its output images.`;
  notice.hidden = false;
}
showChosenFile();
loadRequests();
