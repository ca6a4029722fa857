import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { PolicyParseError, PolicyParseIssue } from './policy-parse.error';

/** A scalar or key read from the YAML, with the line it stands on for error reports. */
export interface LocatedString {
  value: string;
  line: number;
}

export interface YamlEntry {
  key: LocatedString;
  value: Node | null;
}

/**
 * Reads the YAML files that travel with a policy version (justification rules, glosses) and
 * collects every problem with its line, so that a rule naming an unknown clause is reported where
 * it is written.
 *
 * The failsafe schema keeps every scalar a string: clause ids such as `3` or a future `2.10` must
 * not turn into the numbers 3 and 2.1.
 */
export class PolicyYamlReader {
  readonly root: Node | null;
  private readonly issues: PolicyParseIssue[] = [];
  private readonly lineCounter = new LineCounter();

  constructor(
    text: string,
    private readonly source: string,
  ) {
    const document = parseDocument(text, { lineCounter: this.lineCounter, schema: 'failsafe', uniqueKeys: true });
    for (const error of document.errors) {
      // DUPLICATE_KEY arrives here too: uniqueKeys makes the yaml package report it with its position.
      this.issues.push({ line: error.linePos?.[0].line ?? 0, message: firstLine(error.message) });
    }
    this.root = isNode(document.contents) ? document.contents : null;
  }

  report(line: number, message: string): void {
    this.issues.push({ line, message });
  }

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 0 : this.lineCounter.linePos(offset).line;
  }

  /** The entries of a mapping; reports (at `line`) and returns [] when the node is not one. */
  entries(node: Node | null, where: string, line: number): YamlEntry[] {
    if (!isMap(node)) {
      this.report(node ? this.lineOf(node) : line, `${where} must be a mapping`);
      return [];
    }
    const result: YamlEntry[] = [];
    for (const pair of node.items) {
      const key = this.string(isNode(pair.key) ? pair.key : null, `a key in ${where}`, this.lineOf(node));
      if (key) {
        result.push({ key, value: isNode(pair.value) ? pair.value : null });
      }
    }
    return result;
  }

  /** Reports every key of `entries` that is not in `allowed`. */
  refuseUnknownKeys(entries: YamlEntry[], allowed: readonly string[], where: string): void {
    for (const { key } of entries) {
      if (!allowed.includes(key.value)) {
        this.report(key.line, `unknown key "${key.value}" in ${where} (expected one of: ${allowed.join(', ')})`);
      }
    }
  }

  string(node: Node | null, where: string, line: number): LocatedString | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.report(node ? this.lineOf(node) : line, `${where} must be a non-empty string`);
      return undefined;
    }
    return { value: node.value.trim(), line: this.lineOf(node) };
  }

  /** A non-empty sequence of distinct non-empty strings. */
  stringList(node: Node | null, where: string, line: number): LocatedString[] {
    if (!isSeq(node)) {
      this.report(node ? this.lineOf(node) : line, `${where} must be a list`);
      return [];
    }
    if (node.items.length === 0) {
      this.report(this.lineOf(node), `${where} must not be empty (leave the entry out instead)`);
      return [];
    }
    const seen = new Set<string>();
    const result: LocatedString[] = [];
    for (const item of node.items) {
      const value = this.string(isNode(item) ? item : null, `an entry of ${where}`, this.lineOf(node));
      if (value && seen.has(value.value)) {
        this.report(value.line, `"${value.value}" is listed twice in ${where}`);
      } else if (value) {
        seen.add(value.value);
        result.push(value);
      }
    }
    return result;
  }

  throwIfIssues(): void {
    if (this.issues.length > 0) {
      throw new PolicyParseError(this.source, this.issues);
    }
  }
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

// The yaml package appends a source excerpt after the first line; the line number says as much.
function firstLine(message: string): string {
  return message.split('\n')[0];
}
