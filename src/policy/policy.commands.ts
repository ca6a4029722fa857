import type { INestApplicationContext } from '@nestjs/common';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { AppError } from '../common/errors/app-error';
import { OPERATOR_ACTOR } from '../kernel/actor';
import { ImpactReport, PolicyPublisher } from './policy-publisher';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

interface PublishOptions {
  rules?: string;
  glosses?: string;
  major?: boolean;
  minor?: boolean;
  dryRun?: boolean;
}

/** `policy:publish FILE --major|--minor [--rules R.yaml] [--glosses G.yaml] [--dry-run]` */
export function registerPolicyCommands(program: Command, withApp: WithApp): void {
  program
    .command('policy:publish')
    .description('Check a new policy version, print its impact report, and publish it (unless --dry-run)')
    .argument('<file>', 'the policy text (Markdown)')
    .option('--rules <file>', 'justification rules (YAML); default: carry over the rules in force')
    .option('--glosses <file>', 'English glosses (YAML); default: carry over those of clauses that remain')
    .option('--major', 'a major change: every subject is notified (policy 7.b)')
    .option('--minor', 'a minor change')
    .option('--dry-run', 'print the impact report only')
    .action(async (file: string, o: PublishOptions) => {
      if (Boolean(o.major) === Boolean(o.minor)) {
        console.error('Say whether the change is --major or --minor.');
        process.exitCode = 1;
        return;
      }
      const draft = {
        markdown: readFileSync(file, 'utf8'),
        rules: o.rules ? readFileSync(o.rules, 'utf8') : undefined,
        glosses: o.glosses ? readFileSync(o.glosses, 'utf8') : undefined,
        major: Boolean(o.major),
      };
      try {
        await withApp(async (app) => {
          const publisher = app.get(PolicyPublisher);
          const report = await publisher.impact(draft);
          printImpact(report);
          if (o.dryRun) return console.log('Dry run: nothing was published.');
          const published = await publisher.publish({ ...draft, expectedCurrentVersion: report.currentVersion }, OPERATOR_ACTOR);
          console.log(`Published policy version ${published.version} (sha256 ${published.sha256}).`);
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        console.error(`Refused: ${err.message}`);
        for (const issue of (err.details.issues as { line: number; message: string }[] | undefined) ?? [])
          console.error(`  ${issue.line > 0 ? `line ${issue.line}` : '-'}: ${issue.message}`);
        process.exitCode = 2;
      }
    });
}

function printImpact(r: ImpactReport): void {
  console.log(`Version in force: ${r.currentVersion}; this draft would become version ${r.nextVersion} (${r.major ? 'major' : 'minor'}).`);
  console.log(`  added:   ${r.changes.added.join(', ') || '-'}`);
  console.log(`  changed: ${r.changes.changed.join(', ') || '-'}`);
  console.log(`  removed: ${r.changes.removed.join(', ') || '-'}`);
  for (const w of r.warnings) console.log(`  note (line ${w.line}): ${w.message}`);
  console.log(`Open requests citing changed or removed clauses: ${r.openRequests.length}`);
  for (const c of r.openRequests.slice(0, 50)) console.log(`  request ${c.entityId} (version ${c.policyVersion}) cites ${c.clauseId}`);
  console.log(`Past decisions citing changed or removed clauses: ${r.pastDecisions.length}`);
  for (const c of r.pastDecisions.slice(0, 50)) console.log(`  ${c.source} ${c.entityId} (version ${c.policyVersion}) cites ${c.clauseId}`);
  if (r.major) console.log('Every subject will be notified of this major change.');
}
