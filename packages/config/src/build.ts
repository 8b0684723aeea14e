import os from 'node:os'
import path from 'node:path'
import { bucketLocation, buildServer } from './build-server.js'
import { ProfileMismatchError } from './errors.js'
import type { Locations } from './locations.js'
import type { RawConfig } from './raw.js'
import { SectionReader } from './section-reader.js'
import { logfilePathProblem } from './logfile-path.js'
import { spoolSizeWarning } from './spool-size.js'
import type { ClientConfig, EHTConfig, LogfileConfig, ServerConfig } from './types.js'
import { invalidValue } from './validate.js'

export interface BuildContext {
  locations: Locations
  serverOrder: readonly string[]
  env: NodeJS.ProcessEnv
  /** Directory relative paths are resolved against. */
  baseDir: string
  warnings: string[]
}

/** `~/x` -> home, relative -> against `baseDir`; strftime fields such as %Y are left as they are. */
export function pathResolver(baseDir: string, env: NodeJS.ProcessEnv): (value: string) => string {
  return (value) => {
    const home = value === '~' || value.startsWith('~/') ? (env.HOME ?? os.homedir()) + value.slice(1) : value
    return path.resolve(baseDir, home)
  }
}

function guardProfile(client: ClientConfig, servers: readonly ServerConfig[], readers: SectionReader[], locations: Locations): void {
  const variable = locations.keyOrigin('client', 'profile')?.variable
  const profile = `profile is ${client.profile}${variable === undefined ? '' : ` (from ${variable})`}`
  const check = (bucket: string, where: { section: string; key: string }) => {
    const database = bucket.split('/')[0]!
    const isTest = database.endsWith('_test')
    if (client.profile === 'test' && !isTest) {
      throw new ProfileMismatchError(`${profile} but bucket "${bucket}" does not end in _test (a guard against test data in production buckets); use a bucket ending in _test, or set profile = prod`, locations.at(where.section, where.key))
    }
    if (client.profile === 'prod' && isTest) {
      throw new ProfileMismatchError(`${profile} but bucket "${bucket}" ends in _test (a guard against production data in test buckets); use the production bucket, or set profile = test`, locations.at(where.section, where.key))
    }
  }
  if (client.bucket !== undefined) check(client.bucket, { section: 'client', key: 'bucket' })
  servers.forEach((server, i) => check(server.bucket, bucketLocation(readers[i]!)))
}

/** The validated raw file (defaults filled in) as the typed configuration, not yet frozen. */
export function buildConfig(raw: RawConfig, source: string | undefined, ctx: BuildContext): EHTConfig {
  const resolvePath = pathResolver(ctx.baseDir, ctx.env)
  const reader = (section: string, values: unknown) => new SectionReader(values as Record<string, string>, section, ctx.locations, resolvePath)
  const c = reader('client', raw.client)
  const client: ClientConfig = {
    bucket: c.optional('bucket'),
    org: c.text('org'),
    station: c.optional('station'),
    profile: c.word('profile'),
    writeMode: c.word('write_mode'),
  }
  const servers = raw.server as Record<string, unknown>
  const readers = ctx.serverOrder.map((name) => reader(`server.${name}`, servers[name]))
  const secrets = { locations: ctx.locations, env: ctx.env, resolvePath, warnings: ctx.warnings }
  const built = readers.map((r, i) => buildServer(ctx.serverOrder[i]!, r, client, secrets))
  guardProfile(client, built, readers, ctx.locations)

  // The checks below run in the order of the default file: [logfile], [retry], [spool] (the README says so).
  const l = reader('logfile', raw.logfile)
  const logfile = {
    path: l.path('path'),
    format: l.word<LogfileConfig['format']>('format'),
    rotate: l.rotate('rotate'),
    fsync: l.word<LogfileConfig['fsync']>('fsync'),
    flushIntervalMs: l.duration('flush_interval'),
    compressRotated: l.boolean('compress'),
  }
  // The logfile syncs every flush_interval only with fsync = interval (the default); there 0 would be a busy loop.
  if (logfile.fsync === 'interval' && logfile.flushIntervalMs === 0) {
    throw invalidValue(ctx.locations, 'logfile', 'flush_interval', l.text('flush_interval'), 'a duration above 0 such as 1s, as fsync = interval syncs the logfile every flush_interval (or set fsync = always or never)')
  }
  const pathProblem = logfilePathProblem(logfile.path, logfile.format, logfile.rotate)
  if (pathProblem !== undefined) throw invalidValue(ctx.locations, 'logfile', pathProblem.key, l.text(pathProblem.key), pathProblem.expected)
  const r = reader('retry', raw.retry)
  const retry = {
    maxRetries: r.number('max_retries'),
    minDelayMs: r.duration('min_delay'),
    maxDelayMs: r.duration('max_delay'),
    exponentialBase: r.number('exponential_base'),
    jitter: r.number('jitter'),
    maxRetryTimeMs: r.duration('max_retry_time'),
  }
  if (retry.maxDelayMs < retry.minDelayMs) throw invalidValue(ctx.locations, 'retry', 'max_delay', r.text('max_delay'), `a duration no shorter than min_delay (${r.text('min_delay')})`)
  const s = reader('spool', raw.spool)
  const e = reader('errors', raw.errors)
  const spool = { dir: s.path('dir'), maxSizeBytes: s.size('max_size') }
  const spoolWarning = spoolSizeWarning(spool.maxSizeBytes, built, ctx.locations)
  if (spoolWarning !== undefined) ctx.warnings.push(spoolWarning)
  return {
    source,
    client,
    servers: built,
    logfile,
    retry,
    spool,
    errors: { errorsFile: e.path('errors_file'), stderr: e.word('stderr') },
    warnings: ctx.warnings,
  }
}
