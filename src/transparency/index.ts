// The door of the transparency capability: the composition root mounts its module; a test app may
// provide TRANSPARENCY_CACHE_MS to keep the figures for less (or more) than five minutes.
export { TransparencyModule } from './transparency.module';
export { TRANSPARENCY_CACHE_MS } from './transparency-cache';
export { TransparencyErrorCode } from './transparency.errors';
// The figures themselves, for the portal's public page.
export { TransparencyService } from './transparency.service';
export { TransparencyQueryDto } from './dto/transparency-query.dto';
export type { TransparencyOutcomeCounts, TransparencyReport } from './dto/transparency-report.dto';
