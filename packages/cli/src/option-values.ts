import { UsageError } from './errors.js'

type ValidateRecord = typeof import('@eht-influx-client/logfile').validateRecord

/**
 * `--tag station=Kp --tag source=gps` -> `{ station: 'Kp', source: 'gps' }`; UsageError naming the bad one.
 * With the logfile package's `validateRecord`, each tag is held to the rules of a record's tags (no
 * reserved key such as `time` or `_x`, no trailing backslash or control character): a bad one would
 * otherwise make every input line a bad line.
 */
export function parseTagOption(values: readonly string[] = [], validateRecord?: ValidateRecord): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const value of values) {
    const eq = value.indexOf('=')
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--tag ${JSON.stringify(value)}: expected key=value, e.g. --tag station=Kp`)
    const [key, tag] = [value.slice(0, eq), value.slice(eq + 1)]
    try {
      validateRecord?.({ measurement: 'm', tags: { [key]: tag }, fields: { v: { type: 'float', value: 1 } }, timestamp: 1617672549204824064n })
    } catch (error) {
      throw new UsageError(`--tag ${JSON.stringify(value)}: ${(error as Error).message}`, { cause: error })
    }
    tags[key] = tag
  }
  return tags
}

/** commander: a repeatable option's values, in order (`options.x` stays undefined when it is not given). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}
