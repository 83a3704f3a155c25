// The inspector's HTML: the extension chart, a template with the certificate chart that the
// page script copies for each certificate actor, and the places the script fills in.
import { escapeMarkup } from './markup.ts';

export interface PageCharts {
  extension: string;
  certificate: string;
}

/** Labels and keys of the certificate fields the page shows, in order. */
const certificateFields: Array<[string, string]> = [
  ['state', 'state'], ['version', 'version'], ['thumbprint', 'thumbprint'], ['notAfter', 'not after'],
  ['attempt', 'attempt'], ['reason', 'reason'], ['message', 'message'], ['warnings', 'warnings'],
];

const eventColumns = ['time (UTC)', 'event', 'from', 'to', 'version', 'thumbprint'];

/** Returns the inspector page; `charts` are SVG elements from renderChartSvg. */
export function renderInspectorPage(charts: PageCharts): string {
  const fields = certificateFields.map(([key, label]) => `<dt>${escapeMarkup(label)}</dt><dd data-field="${key}"></dd>`).join('');
  const headings = eventColumns.map((column) => `<th>${escapeMarkup(column)}</th>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kvcert inspector</title>
<link rel="stylesheet" href="/inspector.css">
<script src="/inspector.js" defer></script>
</head>
<body>
<header>
<h1>kvcert inspector</h1>
<span id="status" class="badge">…</span>
<span id="status-message"></span>
<span id="connection" class="connection">connecting</span>
</header>
<section id="extension">
<h2>Extension machine: <span id="extension-state" class="badge"></span></h2>
<div class="chart">${charts.extension}</div>
</section>
<section>
<h2>Certificate actors</h2>
<div id="certificates"><p class="empty">No certificate actors yet.</p></div>
</section>
<template id="certificate-template">
<article class="certificate">
<h3><span class="url"></span> <span class="badge certificate-status"></span></h3>
<dl class="fields">${fields}</dl>
<div class="chart">${charts.certificate}</div>
<table class="events"><thead><tr>${headings}</tr></thead><tbody></tbody></table>
</article>
</template>
</body>
</html>
`;
}
