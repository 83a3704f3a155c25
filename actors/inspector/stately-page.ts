// The /stately bridge page: Stately's inspector in an iframe, fed by page/stately-bridge.js.

/** The page's policy allows one outside origin, stately.ai, and only as a frame. */
export const statelyPagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "frame-src https://stately.ai; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function renderStatelyPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kvcert in Stately's inspector</title>
<link rel="stylesheet" href="/inspector.css">
<script src="/stately-bridge.js" defer></script>
</head>
<body class="stately">
<p class="stately-note">This page loads Stately's inspector from stately.ai and passes it the agent's machine snapshots,
reduced to state names, versions, thumbprints, attempts and failure reasons. The local inspector is at <a href="/">/</a>.</p>
<iframe id="stately-inspector" src="https://stately.ai/inspect" title="Stately inspector"></iframe>
</body>
</html>
`;
}
