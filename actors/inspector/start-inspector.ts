// Starts the inspector for a running agent: the live page on 127.0.0.1 and, with
// `--inspect=stately`, the bridge page to Stately's web inspector.
import { readFile } from 'node:fs/promises';
import type { Agent } from '../agent.ts';
import type { Logger } from '../logger.ts';
import { certificateMachine } from '../../machines/certificate-machine.ts';
import { extensionMachine } from '../../machines/extension-machine.ts';
import type { InspectTarget } from './inspect-flag.ts';
import { InspectionFeed } from './inspection-feed.ts';
import type { StatelyFeed } from './stately-feed.ts';
import { renderInspectorPage } from './inspector-page.ts';
import { startInspectorServer } from './inspector-server.ts';
import type { InspectorRoutes } from './inspector-server.ts';
import { chartOf, eventDescriber } from './statechart-model.ts';
import { layoutChart } from './statechart-layout.ts';
import { renderChartSvg } from './statechart-svg.ts';

export interface RunningInspector {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  stop(): Promise<void>;
}

// NOTE: `npm run build` (tsc) does not copy page/ into dist/, so a built kvcert cannot serve the page until the build copies it.
const pageFile = (name: string) => readFile(new URL(`./page/${name}`, import.meta.url), 'utf8');

/** Builds the page from the machine definitions that the agent runs, as they are now. */
async function pageDocuments(): Promise<InspectorRoutes['documents']> {
  const page = renderInspectorPage({
    extension: renderChartSvg(layoutChart(chartOf(extensionMachine))),
    certificate: renderChartSvg(layoutChart(chartOf(certificateMachine))),
  });
  return {
    '/': { type: 'text/html', body: page },
    '/inspector.js': { type: 'text/javascript', body: await pageFile('inspector.js') },
    '/inspector.css': { type: 'text/css', body: await pageFile('inspector.css') },
  };
}

/**
 * Serves the inspector for `agent` on 127.0.0.1:`target.port` and prints its URL with `print`.
 * Call it before `agent.start()`, so the page receives every transition.
 */
export async function startInspector(agent: Agent, target: InspectTarget, logger: Logger, print: (line: string) => void): Promise<RunningInspector> {
  const onError = (error: Error) => logger.warn('inspector.event_unreadable', { message: error.message });
  const feed = new InspectionFeed(agent.report(), { onError, describeEvent: eventDescriber(certificateMachine) });
  const routes: InspectorRoutes = {
    documents: await pageDocuments(),
    streams: { '/events': { initial: () => [{ type: 'view', view: feed.view() }], messages$: feed.messages$ } },
    json: { '/view.json': () => feed.view() },
  };
  const stately = target.stately ? await addStatelyRoutes(routes, onError) : undefined;

  const server = await startInspectorServer(target.port, routes);
  const removeInspector = agent.addInspector(feed.observe);
  const removeStately = stately ? agent.addInspector(stately.observe) : () => {};
  const statusSubscription = agent.status$.subscribe((report) => feed.updateStatus(report));
  print(`kvcert inspector: ${server.url}${target.stately ? ` (Stately bridge: ${server.url}stately)` : ''}\n`);
  logger.info('inspector.started', { note: server.url });

  return {
    url: server.url,
    async stop() {
      removeInspector();
      removeStately();
      statusSubscription.unsubscribe();
      feed.close();
      stately?.close();
      await server.close();
    },
  };
}

/** Adds /stately and its event stream; loads @statelyai/inspect only when asked for. */
async function addStatelyRoutes(routes: InspectorRoutes, onError: (error: Error) => void): Promise<StatelyFeed> {
  const { StatelyFeed } = await import('./stately-feed.ts');
  const { renderStatelyPage, statelyPagePolicy } = await import('./stately-page.ts');
  const feed = new StatelyFeed(onError);

  routes.documents['/stately'] = { type: 'text/html', body: renderStatelyPage(), policy: statelyPagePolicy };
  routes.documents['/stately-bridge.js'] = { type: 'text/javascript', body: await pageFile('stately-bridge.js') };
  routes.streams['/stately/events'] = { initial: () => feed.initial(), messages$: feed.events$ };
  return feed;
}
