import { PolicyYamlReader } from './policy-yaml.reader';

/** Clause id → short English gloss. The gloss orients a reader; the Chinese text stays authoritative. */
export type PolicyGlosses = Readonly<Record<string, string>>;

/**
 * Loads glosses.yaml of a policy version: exactly one non-empty gloss per clause of that version,
 * so an English reader never meets a clause without one, nor a gloss for a clause that is gone.
 */
export function parsePolicyGlosses(yamlText: string, clauseIds: readonly string[]): PolicyGlosses {
  const yaml = new PolicyYamlReader(yamlText, 'clause glosses');
  const known = new Set(clauseIds);
  const glosses: Record<string, string> = {};
  const glossed = new Set<string>();
  for (const entry of yaml.entries(yaml.root, 'the glosses file', 1)) {
    glossed.add(entry.key.value);
    const gloss = yaml.string(entry.value, `the gloss of ${entry.key.value}`, entry.key.line);
    if (!known.has(entry.key.value)) {
      yaml.report(entry.key.line, `gloss for unknown clause "${entry.key.value}"`);
    } else if (gloss) {
      glosses[entry.key.value] = gloss.value;
    }
  }
  for (const id of clauseIds.filter((candidate) => !glossed.has(candidate))) {
    yaml.report(0, `clause ${id} has no gloss`);
  }
  yaml.throwIfIssues();
  return glosses;
}
