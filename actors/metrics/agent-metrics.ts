// Starts the metrics endpoint of a running agent: the success tracker, the registry and the
// HTTP server on 127.0.0.1.
import type { Agent } from '../agent.ts';
import type { Logger } from '../logger.ts';
import { createMetricsRegistry } from './metrics-registry.ts';
import { startMetricsServer } from './metrics-server.ts';
import type { MetricsServer } from './metrics-server.ts';
import { SuccessTracker } from './success-tracker.ts';

export interface AgentMetricsOptions {
  port: number;
  logger: Logger;
  installedAt: (url: string, version: string) => string | undefined;
}

/** Serves the agent's metrics until the returned server is closed. */
export async function startAgentMetrics(agent: Agent, options: AgentMetricsOptions): Promise<MetricsServer> {
  const successes = new SuccessTracker();
  const subscription = agent.status$.subscribe(() => successes.update(agent.certificates()));
  const registry = createMetricsRegistry({ agent, installedAt: options.installedAt, lastSuccessAt: (url) => successes.lastSuccessAt(url) });

  let server: MetricsServer;
  try {
    server = await startMetricsServer(registry, options.port, options.logger);
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  return {
    port: server.port,
    async close() {
      subscription.unsubscribe();
      await server.close();
    },
  };
}
