// Every migration, in order. Listed explicitly (not globbed) so that the app, the CLI and the
// tests load exactly the same set whether they run from TypeScript sources or compiled output.
import { Foundation1764403200000 } from './1764403200000-foundation';

export const MIGRATIONS = [Foundation1764403200000];
