/** An InfluxQL identifier in double quotes, `\` and `"` escaped: a name can never end the quoting early. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** The retention policy of a v1 bucket `db/rp`; '' for `db` (the database's default policy). */
function retentionPolicyOf(bucket: string): string {
  const slash = bucket.indexOf('/')
  return slash < 0 ? '' : bucket.slice(slash + 1)
}

/** `"rp"."measurement"` for a v1 bucket `db/rp`, else `"measurement"`. */
export function measurementSource(bucket: string, measurement: string): string {
  const rp = retentionPolicyOf(bucket)
  return rp === '' ? quoteIdentifier(measurement) : `${quoteIdentifier(rp)}.${quoteIdentifier(measurement)}`
}

/**
 * The field keys and types of every measurement of the bucket's retention
 * policy. A bare `SHOW FIELD KEYS` answers for the database's default
 * retention policy only (InfluxDB 1.x), so a `db/rp` bucket names its policy,
 * with the regular expression that matches every measurement (no measurement
 * name enters the query).
 */
export function showFieldKeys(bucket: string): string {
  const rp = retentionPolicyOf(bucket)
  return rp === '' ? 'SHOW FIELD KEYS' : `SHOW FIELD KEYS FROM ${quoteIdentifier(rp)}./.*/`
}

/** The database of a v1 bucket (`db` or `db/rp`). */
export function databaseOf(bucket: string): string {
  const slash = bucket.indexOf('/')
  return slash < 0 ? bucket : bucket.slice(0, slash)
}

/** Every field and tag of `measurement` in [from, to) (integer ns), one series per tag set. */
export function selectWindow(bucket: string, measurement: string, from: bigint, to: bigint): string {
  return `SELECT * FROM ${measurementSource(bucket, measurement)} WHERE time >= ${from} AND time < ${to} GROUP BY *`
}
