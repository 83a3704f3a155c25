// The inspector page's script: reads the agent's server-sent events and marks the active
// state of each machine. It writes data with textContent only, never as markup.
'use strict';

(() => {
  const articles = new Map();
  const list = document.getElementById('certificates');
  const template = document.getElementById('certificate-template');
  let statusByUrl = new Map();

  function markState(svg, state, from) {
    for (const node of svg.querySelectorAll('.state')) {
      node.classList.toggle('active', node.getAttribute('data-state') === state);
    }
    for (const node of svg.querySelectorAll('.edge, .edge-label')) {
      const lastTransition = from !== undefined && node.getAttribute('data-source') === from && node.getAttribute('data-target') === state;
      node.classList.toggle('taken', lastTransition);
    }
  }

  function setBadge(element, value) {
    element.textContent = value ?? '';
    element.className = `${element.className.split(' ').filter((name) => name === 'badge' || name === 'certificate-status').join(' ')} ${value ?? ''}`.trim();
  }

  function articleFor(url) {
    let article = articles.get(url);
    if (article) return article;

    article = template.content.firstElementChild.cloneNode(true);
    article.setAttribute('data-url', url);
    article.querySelector('.url').textContent = url;
    list.querySelector('.empty')?.remove();
    list.append(article);
    articles.set(url, article);
    return article;
  }

  function fieldText(certificate, key) {
    const value = certificate[key];
    if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : '—';
    return value === undefined || value === '' ? '—' : String(value);
  }

  function eventRow(entry) {
    const row = document.createElement('tr');
    const cells = [entry.time.slice(11, 23), entry.event, entry.from ?? '', entry.to, entry.version ?? '', entry.thumbprint ?? ''];
    const names = ['time', 'event', 'from', 'to', 'version', 'thumbprint'];
    cells.forEach((text, index) => {
      const cell = document.createElement('td');
      cell.className = names[index];
      cell.textContent = text;
      if (index === 0) cell.title = entry.time;
      row.append(cell);
    });
    return row;
  }

  function showCertificate(certificate) {
    const article = articleFor(certificate.url);
    for (const field of article.querySelectorAll('[data-field]')) {
      field.textContent = fieldText(certificate, field.getAttribute('data-field'));
    }
    article.setAttribute('data-state', certificate.state);

    const last = certificate.events.at(-1);
    const from = last && last.to === certificate.state ? last.from : undefined;
    markState(article.querySelector('svg.statechart'), certificate.state, from);

    // Newest first, as a log reads.
    article.querySelector('table.events tbody').replaceChildren(...certificate.events.map(eventRow).reverse());
    setBadge(article.querySelector('.certificate-status'), statusByUrl.get(certificate.url));
  }

  function removeCertificate(url) {
    articles.get(url)?.remove();
    articles.delete(url);
  }

  function showStatus(status) {
    setBadge(document.getElementById('status'), status.status);
    const message = document.getElementById('status-message');
    message.textContent = status.message;
    message.title = status.reason;
    statusByUrl = new Map(status.certificates.map((item) => [item.url, item.status]));
    for (const [url, article] of articles) setBadge(article.querySelector('.certificate-status'), statusByUrl.get(url));
  }

  function showExtension(state) {
    setBadge(document.getElementById('extension-state'), state);
    markState(document.querySelector('#extension svg.statechart'), state, undefined);
  }

  function showView(view) {
    for (const url of [...articles.keys()]) removeCertificate(url);
    showStatus(view.status);
    showExtension(view.extension.state);
    for (const certificate of view.certificates) showCertificate(certificate);
  }

  const handlers = {
    view: (message) => showView(message.view),
    certificate: (message) => showCertificate(message.certificate),
    removed: (message) => removeCertificate(message.url),
    extension: (message) => showExtension(message.state),
    status: (message) => showStatus(message.status),
  };

  const connection = document.getElementById('connection');
  const source = new EventSource('/events');
  source.onopen = () => {
    connection.textContent = 'live';
    connection.className = 'connection live';
  };
  source.onerror = () => {
    connection.textContent = 'disconnected, retrying';
    connection.className = 'connection lost';
  };
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    handlers[message.type]?.(message);
  };
})();
