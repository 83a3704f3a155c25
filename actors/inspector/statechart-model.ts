// Reads the states and transitions of a machine from its xstate definition at run time, so
// the inspector draws the machines as the agent runs them.
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export interface ChartState {
  key: string;
  /** Sources of the actors the state invokes, e.g. `fetchSecret`. */
  invokes: string[];
  final: boolean;
}

export interface ChartTransition {
  /** Key of the top-level state the transition leaves; undefined for the machine's own transitions. */
  source?: string;
  /** Key of the top-level state it enters; undefined when it only runs actions. */
  target?: string;
  /** The event in readable form: `poll.due`, `fetchSecret done`, `after retryDelay`, `always`. */
  trigger: string;
  guard?: string;
  actions: string[];
}

/** A flat view of a machine: its top-level states and the transitions between them. */
export interface Chart {
  id: string;
  initial?: string;
  states: ChartState[];
  transitions: ChartTransition[];
  /** Transitions defined on the machine itself, which apply in every state. */
  machineTransitions: ChartTransition[];
}

/**
 * Builds the chart of `machine` from `machine.root`.
 * NOTE: nested states are folded into their top-level state; both kvcert machines are flat.
 */
export function chartOf(machine: AnyStateMachine): Chart {
  const root = machine.root;
  const topLevel = Object.values(root.states) as AnyStateNode[];
  const invokeNames = invokeSources(root);

  return {
    id: root.id,
    initial: root.initial.target[0] ? topLevelKey(root.initial.target[0]) : undefined,
    states: topLevel.map((node) => ({ key: node.key, invokes: node.invoke.map((item) => sourceName(item.src)), final: node.type === 'final' })),
    transitions: topLevel.flatMap((node) => descendantsOf(node).flatMap((inner) => transitionsOf(inner, invokeNames, node.key))),
    machineTransitions: transitionsOf(root, invokeNames, undefined),
  };
}

function descendantsOf(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(descendantsOf)];
}

function transitionsOf(node: AnyStateNode, invokeNames: Map<string, string>, source: string | undefined): ChartTransition[] {
  const definitions = [...node.transitions.values()].flat().concat(node.always ?? []);
  return definitions.map((definition) => ({
    source,
    target: definition.target?.[0] ? topLevelKey(definition.target[0]) : undefined,
    trigger: triggerOf(definition, invokeNames),
    guard: definition.guard ? nameOf(definition.guard) : undefined,
    actions: (definition.actions ?? []).map(nameOf),
  }));
}

/** Maps each invoke id (`0.certificate.fetching`) to its source name (`fetchSecret`). */
function invokeSources(root: AnyStateNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const node of descendantsOf(root)) {
    for (const item of node.invoke) names.set(item.id, sourceName(item.src));
  }
  return names;
}

function triggerOf(definition: AnyTransitionDefinition, invokeNames: Map<string, string>): string {
  const delay = (definition as { delay?: unknown }).delay;
  if (definition.eventType.startsWith('xstate.after.') && delay !== undefined) return `after ${typeof delay === 'number' ? `${delay} ms` : nameOf(delay)}`;
  return describeEventType(definition.eventType, invokeNames);
}

function describeEventType(type: string, invokeNames: Map<string, string>): string {
  if (type === '') return 'always';

  const actorResult = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actorResult) return `${invokeNames.get(actorResult[2]) ?? actorResult[2]} ${actorResult[1]}`;

  // xstate names delayed events `xstate.after.<delay>.<state id>`.
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return /^\d+$/.test(after[1]) ? `after ${after[1]} ms` : `after ${after[1]}`;
  return type;
}

/**
 * Returns a function that names a machine event as the chart labels it, e.g.
 * `xstate.done.actor.0.certificate.fetching` as `fetchSecret done`.
 */
export function eventDescriber(machine: AnyStateMachine): (type: string) => string {
  const invokeNames = invokeSources(machine.root);
  return (type) => describeEventType(type, invokeNames);
}

function topLevelKey(node: AnyStateNode): string {
  return node.path[0] ?? node.key;
}

function sourceName(src: unknown): string {
  return typeof src === 'string' ? src : nameOf(src);
}

/** The name of a guard, action or actor source given as a string, `{ type }` object or function. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return value.name || 'inline';
  if (typeof value === 'object' && value !== null) {
    const type = (value as { type?: unknown; id?: unknown }).type ?? (value as { id?: unknown }).id;
    if (typeof type === 'string') return type;
  }
  return 'inline';
}
