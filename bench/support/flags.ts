/**
 * `--name value` flags over a set of numeric defaults: `--deep-pages 500` sets `deepPages`.
 * Unknown flags and values that are not positive whole numbers are refused, with the list.
 */
export function parseFlags<T extends Record<string, number>>(args: readonly string[], defaults: T): T {
  const options: Record<string, number> = { ...defaults };
  const known = Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = Number(args[i + 1]);
    if (!(key in defaults) || !flag.startsWith('--') || !Number.isInteger(value) || value < 0)
      throw new Error(`unknown flag or bad value: ${flag} ${args[i + 1] ?? ''} (flags: ${known.join(' ')})`);
    options[key] = value;
  }
  return options as T;
}
