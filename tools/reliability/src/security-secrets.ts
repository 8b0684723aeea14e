import fs from 'node:fs'
import path from 'node:path'
import util from 'node:util'

/**
 * Distinctive credentials for the security checks: each appears nowhere unless
 * something printed or stored it. Letters and digits only, so that the same
 * text is what a URL, JSON or base64 encoder would carry.
 */
export const SECRETS = {
  /** The v2 server's token. */
  token: 'ehtTokQ7f3a9c2e1b84d6Xy',
  /** The v1 server's user (not a secret) and password. */
  username: 'ehtstation',
  password: 'ehtPwK5e2d9c7a1f03Bq',
  /** A user the server does not know (a real 401) and one that may only read (a real 403), both with `password`. */
  unknownUser: 'ehtobserver',
  readOnlyUser: 'ehtreader',
  /** A password written into a URL's userinfo (https://user:<this>@host), which the config refuses. */
  urlPassword: 'ehtUrlM9d1c4b7e2a60Zw',
} as const

/** The forms a secret could leak in: itself, a Basic credential, either of them cut short (a truncated message). */
export function secretForms(): { label: string; text: string }[] {
  const base64 = (text: string) => Buffer.from(text).toString('base64')
  const basic = (user: string) => base64(`${user}:${SECRETS.password}`)
  const forms: { label: string; text: string }[] = []
  for (const [label, text] of [
    ['token', SECRETS.token],
    ['password', SECRETS.password],
    ['URL password', SECRETS.urlPassword],
    ['Basic credential', basic(SECRETS.username)],
    ['Basic credential of the unknown user', basic(SECRETS.unknownUser)],
    ['Basic credential of the read-only user', basic(SECRETS.readOnlyUser)],
    ['Basic credential of the URL password', base64(`${SECRETS.username}:${SECRETS.urlPassword}`)],
    ['token in base64', base64(SECRETS.token)],
  ] as const) {
    forms.push({ label, text })
    // The first and the last 12 characters: a message truncated mid-secret still leaks (the start
    // of a Basic credential encodes the user name, which is no secret).
    if (!label.startsWith('Basic')) forms.push({ label: `start of the ${label}`, text: text.slice(0, 12) })
    forms.push({ label: `end of the ${label}`, text: text.slice(-12) })
  }
  return forms
}

/** One captured output: where it came from and its text. */
export interface Captured {
  source: string
  text: string
}

/** Every secret form found in any of `captured`, as `source: label`; empty when none leaked. */
export function findLeaks(captured: readonly Captured[]): string[] {
  const forms = secretForms()
  const leaks: string[] = []
  for (const { source, text } of captured) {
    for (const form of forms) if (text.includes(form.text)) leaks.push(`${source}: ${form.label}`)
  }
  return leaks
}

/** Every way an error is looked at: message, stack, JSON, util.inspect (deep, with the cause chain), String(). */
export function errorViews(source: string, error: unknown): Captured[] {
  const e = error as { message?: unknown; stack?: unknown }
  let json: string
  try {
    json = JSON.stringify(error) ?? ''
  } catch (cause) {
    json = `JSON.stringify threw: ${String(cause)}`
  }
  return [
    { source: `${source} message`, text: String(e?.message ?? '') },
    { source: `${source} stack`, text: String(e?.stack ?? '') },
    { source: `${source} JSON`, text: json },
    { source: `${source} util.inspect`, text: util.inspect(error, { depth: 10, showHidden: true, getters: true }) },
    { source: `${source} String()`, text: String(error) },
  ]
}

/** An event payload (callback argument) as JSON and util.inspect. */
export function payloadViews(source: string, payload: unknown): Captured[] {
  let json: string
  try {
    json = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? ''
  } catch (cause) {
    json = `JSON.stringify threw: ${String(cause)}`
  }
  return [
    { source: `${source} JSON`, text: json },
    { source: `${source} util.inspect`, text: util.inspect(payload, { depth: 10, showHidden: true, getters: true }) },
  ]
}

/** Every regular file under `dir` (logfile, spool, errors file, checkpoints...) except those in `skip`, with its text. */
export function filesUnder(dir: string, skip: readonly string[] = []): Captured[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !skip.includes(f))
    .map((f) => ({ source: f, text: fs.readFileSync(f).toString('latin1') }))
}
