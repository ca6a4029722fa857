import type { PolicyVersion } from './policy-version';

/** The public shape of a version (api.md): the text and its clauses, not the internals. */
export function toPolicyView(v: PolicyVersion) {
  return {
    version: v.version,
    publishedAt: v.publishedAt,
    major: v.major,
    title: v.title,
    sha256: v.sha256,
    changes: v.changes,
    defects: v.warnings,
    clauses: v.clauses.map((c) => ({ id: c.id, heading: c.heading, text: c.text, gloss: c.gloss })),
  };
}
