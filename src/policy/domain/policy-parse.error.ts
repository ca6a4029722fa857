export interface PolicyParseIssue {
  /** 1-based line of the source text; 0 when the problem is not tied to a line. */
  line: number;
  message: string;
}

/**
 * Raised when a policy text, its justification rules or its glosses cannot be turned into a
 * policy version. It carries every problem found, each with its line, so that whoever publishes a
 * version can fix them all in one pass instead of meeting them one at a time.
 */
export class PolicyParseError extends Error {
  readonly issues: PolicyParseIssue[];

  constructor(source: string, issues: PolicyParseIssue[]) {
    const sorted = [...issues].sort((a, b) => a.line - b.line);
    super(`${source}: ${sorted.map((issue) => `line ${issue.line}: ${issue.message}`).join('; ')}`);
    this.name = 'PolicyParseError';
    this.issues = sorted;
  }
}
