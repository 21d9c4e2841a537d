/**
 * From a number back to its name: `nameOf(jobStatus, 4)` is `"COMPLETED"`.
 */

/** The name of `value` in a constants group, or undefined if it has none. */
export function nameOf<G extends Readonly<Record<string, number | bigint>>>(
  group: G,
  value: number | bigint,
): (keyof G & string) | undefined {
  for (const [name, v] of Object.entries(group)) {
    if (BigInt(v) === BigInt(value)) return name as keyof G & string;
  }
  return undefined;
}

/** The names of the bits set in `flags` (e.g. `flagNames(jobFlag, job.flags)`). */
export function flagNames<G extends Readonly<Record<string, number>>>(
  group: G,
  flags: number,
): (keyof G & string)[] {
  return Object.entries(group)
    .filter(([, bit]) => bit !== 0 && (flags & bit) === bit)
    .map(([name]) => name as keyof G & string);
}
