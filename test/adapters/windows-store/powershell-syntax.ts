// Checks PowerShell source with the tree-sitter-powershell grammar (its prebuilt .wasm, loaded by
// web-tree-sitter) for parse errors and for syntax that Windows PowerShell 5.1 lacks. The grammar
// has no rules for the ternary, `??`, `??=` or `?.` operators, so they surface as ERROR nodes,
// which are named by the `?` text they start with. `&&` and `||` parse as pipeline_chain_tail nodes.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type SyntaxIssueKind =
  | 'syntax-error'
  | 'missing'
  | 'ternary'
  | 'null-coalescing'
  | 'null-coalescing-assignment'
  | 'null-conditional'
  | 'pipeline-chain';

export interface SyntaxIssue {
  kind: SyntaxIssueKind;
  /** 1-based line and column of the node. */
  line: number;
  column: number;
  text: string;
}

export type PowerShellChecker = (source: string) => SyntaxIssue[];

/** Loads the grammar once and returns a checker for PowerShell source text. */
export async function createPowerShellChecker(): Promise<PowerShellChecker> {
  await Parser.init();
  const wasmPath = createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  const parser = new Parser();
  parser.setLanguage(await Language.load(wasmPath));

  return (source) => {
    const tree = parser.parse(source);
    if (!tree) throw new Error('tree-sitter returned no tree');
    const issues: SyntaxIssue[] = [];
    collectIssues(tree.rootNode, source, issues);
    tree.delete();
    return issues;
  };
}

function collectIssues(node: Node, source: string, issues: SyntaxIssue[]): void {
  const kind = issueKind(node, source);
  if (kind) {
    issues.push({ kind, line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: node.text.slice(0, 80) });
  }
  for (const child of node.children) {
    if (child) collectIssues(child, source, issues);
  }
}

function issueKind(node: Node, source: string): SyntaxIssueKind | undefined {
  if (node.isMissing) return 'missing';
  if (node.type === 'pipeline_chain_tail') return 'pipeline-chain';
  if (node.isError) return questionMarkKind(source, node.startIndex, node.endIndex);
  return undefined;
}

/** Names the PowerShell 7 operator that starts at the first `?` of an ERROR node. */
function questionMarkKind(source: string, start: number, end: number): SyntaxIssueKind {
  const at = source.indexOf('?', start);
  if (at < 0 || at >= end) return 'syntax-error';
  const operator = source.slice(at, at + 3);
  if (operator.startsWith('??=')) return 'null-coalescing-assignment';
  if (operator.startsWith('??')) return 'null-coalescing';
  if (operator.startsWith('?.') || operator.startsWith('?[')) return 'null-conditional';
  return 'ternary';
}
