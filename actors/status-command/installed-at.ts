// When each installed version was installed, from the state file's entries.
import type { AgentState } from '../state/state-file.ts';

/**
 * Returns a lookup into `state`. The state recorder updates that same object on every
 * install, so the lookup stays current while the agent runs.
 */
export function installedAtLookup(state: AgentState): (url: string, version: string) => string | undefined {
  return (url, version) => {
    const entry = state.certificates[url];
    return entry?.version === version ? entry.installedAt : undefined;
  };
}
