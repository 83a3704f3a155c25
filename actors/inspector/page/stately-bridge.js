// The /stately page's script: passes the agent's reduced inspection events to Stately's
// inspector, which the page loads from stately.ai in an iframe. The handshake follows
// @statelyai/inspect 0.7.2: the inspector posts `@statelyai.connected` when it is ready.
// NOTE: untested here, because tests must not load stately.ai. If Stately serves the inspector
// from another origin, the events are dropped: change `inspectorOrigin`.
'use strict';

(() => {
  const inspectorOrigin = 'https://stately.ai';
  const frame = document.getElementById('stately-inspector');
  const waiting = [];
  let connected = false;

  const post = (event) => frame.contentWindow.postMessage(event, inspectorOrigin);

  window.addEventListener('message', (message) => {
    if (message.origin !== inspectorOrigin || message.data?.type !== '@statelyai.connected') return;
    connected = true;
    waiting.splice(0).forEach(post);
  });

  const source = new EventSource('/stately/events');
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (connected) post(event);
    else waiting.push(event);
  };
})();
