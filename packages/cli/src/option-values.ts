import { UsageError } from './errors.js'

/** `--tag station=Kp --tag source=gps` -> `{ station: 'Kp', source: 'gps' }`; UsageError naming the bad one. */
export function parseTagOption(values: readonly string[] = []): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const value of values) {
    const eq = value.indexOf('=')
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--tag ${JSON.stringify(value)}: expected key=value, e.g. --tag station=Kp`)
    tags[value.slice(0, eq)] = value.slice(eq + 1)
  }
  return tags
}

/** commander: a repeatable option's values, in order (`options.x` stays undefined when it is not given). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}
