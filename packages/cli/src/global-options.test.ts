import { describe, expect, it } from 'vitest'
import { findCommandName, readGlobalOptions } from './global-options.js'

describe('findCommandName', () => {
  it.each([
    [['check'], 'check'],
    [['--json', 'check', '--verbose'], 'check'],
    [['--config', 'check', 'convert', 'a.lp'], 'convert'],
    [['-c', 'print-config', 'check'], 'check'],
    [['--config=x.ini', 'check'], 'check'],
    [['-cx.ini', 'check'], 'check'],
    [['-qc', 'x.ini', 'check'], 'check'],
    [['-qv', 'check'], 'check'],
    [['--profile', 'prod', 'convert', 'in.lp', '-o', 'out.csv'], 'convert'],
    [['help', 'convert'], 'convert'],
    [['--help'], undefined],
    [['--', 'check'], 'check'],
    [['--json', '--', 'help', 'convert'], 'convert'],
    [['--'], undefined],
    [[], undefined],
  ])('%j -> %s', (argv, expected) => {
    expect(findCommandName(argv)).toBe(expected)
  })
})

describe('readGlobalOptions', () => {
  it('keeps known values and drops what is not one of the choices', () => {
    expect(readGlobalOptions({ config: 'a.ini', profile: 'prod', quiet: true, json: true })).toEqual({ config: 'a.ini', profile: 'prod', quiet: true, verbose: false, json: true })
    expect(readGlobalOptions({ profile: 'staging', verbose: 'yes' })).toEqual({ config: undefined, profile: undefined, quiet: false, verbose: false, json: false })
  })
})
