import { describe, expect, it } from 'vitest'
import { Output } from './output.js'

function capture(options: { quiet?: boolean; verbose?: boolean; json?: boolean }) {
  const out: string[] = []
  const err: string[] = []
  const streams = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } as unknown as ConstructorParameters<typeof Output>[0]
  const output = new Output(streams, { quiet: false, verbose: false, json: false, ...options })
  const say = () => {
    output.result('RESULT')
    output.note('NOTE')
    output.note('NOTE')
    output.summary('SUMMARY')
    output.detail('DETAIL')
    output.warn('WARN')
    output.error('ERROR')
    output.writeJson({ t: 1617672549204824064n })
  }
  say()
  return { out: out.join(''), err: err.join('') }
}

describe('Output', () => {
  it('by default: result on stdout; notes (once), summary, warnings, errors on stderr; no details, no JSON', () => {
    const { out, err } = capture({})
    expect(out).toBe('RESULT\n')
    expect(err).toBe('eht-influx-client: NOTE\nSUMMARY\neht-influx-client: warning: WARN\neht-influx-client: error: ERROR\n')
  })
  it('--quiet keeps the result and errors only', () => {
    const { out, err } = capture({ quiet: true, verbose: true })
    expect(out).toBe('RESULT\n')
    expect(err).toBe('eht-influx-client: error: ERROR\n')
  })
  it('--verbose adds details', () => {
    expect(capture({ verbose: true }).err).toContain('DETAIL\n')
  })
  it('--json replaces the result by one JSON line, ns timestamps as exact strings', () => {
    const { out } = capture({ json: true })
    expect(out).toBe('{"t":"1617672549204824064"}\n')
  })
})
