/**
 * How long the public figures are kept before they are computed again, in milliseconds (default:
 * five minutes). An optional injection of TransparencyService: a test app may provide its own.
 */
export const TRANSPARENCY_CACHE_MS = Symbol('TRANSPARENCY_CACHE_MS');
export const DEFAULT_TRANSPARENCY_CACHE_MS = 5 * 60 * 1000;
