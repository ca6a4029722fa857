// The door to legal holds: what other capabilities may use. Review asks HoldsService.assertCovering
// before a deletion keeps anything, and activeHolds to show what is kept.
export { HoldsModule } from './holds.module';
export { HoldsService } from './holds.service';
export { HoldView } from './dto/hold-view.dto';
export { HoldErrorCode } from './holds.errors';
export { HoldsQueryDto, PlaceHoldDto, ReleaseHoldDto } from './dto/hold.dto';
export type { HoldsNotCovering } from './holds.errors';
