// The command framework, through the BUILT command run as a child process.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parseJsonOutput, removeTempDirs, runCli, tempDir } from '../test/run-cli.js'

const version = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
afterAll(removeTempDirs)

describe('--help and --version', () => {
  it('--help lists every command, the global options and the exit codes, on stdout, exit 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    for (const word of ['print-config', 'check', 'write', 'replay', 'spool', 'export', 'convert', '--config <path>', '--profile', '--quiet', '--verbose', '--json', '--version', 'Exit codes:', '130']) expect(run.stdout).toContain(word)
  })

  it.each(['print-config', 'check', 'write', 'replay', 'spool', 'export', 'convert'])('%s --help shows its options, the global options and an example', async (name) => {
    const run = await runCli([name, '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Usage: eht-influx-client ${name}`)
    expect(run.stdout).toContain('Global Options:')
    expect(run.stdout).toMatch(new RegExp(`Examples?:\\n\\s+\\$ eht-influx-client ${name}`))
    const viaHelp = await runCli(['help', name])
    expect(viaHelp.stdout).toBe(run.stdout)
    expect(viaHelp.code).toBe(0)
  })

  it('--version prints the package version, before or after the command', async () => {
    for (const args of [['--version'], ['-V'], ['check', '--version']]) {
      const run = await runCli(args)
      expect(run.code).toBe(0)
      expect(run.stdout.trim()).toBe(version)
    }
  })
})

describe('--json with --help and --version: one JSON object on stdout, nothing else', () => {
  it.each([[['--json', '--version']], [['-V', '--json']], [['check', '--json', '--version']]])('%j', async (args) => {
    const run = await runCli(args)
    expect(run.code).toBe(0)
    expect(parseJsonOutput(run)).toEqual({ command: args[0] === 'check' ? 'check' : null, ok: true, exitCode: 0, version })
  })

  it.each([[['--json', '--help'], null], [['write', '--json', '--help'], 'write'], [['help', 'write', '--json'], 'write'], [['--json', 'help'], null]])('%j: the help in "help"', async (args, command) => {
    const run = await runCli(args)
    expect(run.code).toBe(0)
    const json = parseJsonOutput(run)
    expect(json).toEqual({ command, ok: true, exitCode: 0, help: expect.stringContaining(`Usage: eht-influx-client ${command ?? '[options] [command]'}`) })
    // the same text as without --json
    const plain = await runCli(args.filter((a) => a !== '--json'))
    expect(json.help).toBe(plain.stdout)
  })
})

describe('-- before the command', () => {
  it('`-- check` runs check, as commander takes the first operand after -- as the command', async () => {
    const run = await runCli(['--', 'check'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('check: all well')
    expect(run.stderr).not.toContain('internal error')
    const json = await runCli(['--json', '--', 'check'])
    expect(parseJsonOutput(json)).toMatchObject({ command: 'check', ok: true, exitCode: 0 })
  })
})

describe('usage errors exit 2 with a helpful message', () => {
  it('`help` with an unknown command names it (not "no command given")', async () => {
    const run = await runCli(['help', 'frob'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("error: unknown command 'frob'; name one of: print-config, check, write")
    const json = await runCli(['help', 'frob', '--json'])
    expect(json.code).toBe(2)
    expect(parseJsonOutput(json)).toEqual({ command: null, ok: false, exitCode: 2, error: { name: 'UsageError', code: 'commander.unknownCommand', message: expect.stringMatching(/^unknown command 'frob'; name one of: /) } })
  })


  it('an unknown command, with a suggestion', async () => {
    const run = await runCli(['chek'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("unknown command 'chek'")
    expect(run.stderr).toContain('Did you mean check?')
  })

  it('an unknown option, before or after the command', async () => {
    for (const args of [['check', '--frobnicate'], ['--frobnicate', 'check']]) {
      const run = await runCli(args)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("unknown option '--frobnicate'")
      expect(run.stderr).toContain('--help')
    }
  })

  it('an unknown option is named without its value, for every command, on stderr and in --json', async () => {
    const { COMMANDS } = await import('./command-index.js')
    // what each command needs besides (a missing required option would be reported first)
    const needs: Record<string, string[]> = { export: ['-o', 'out.lp'], convert: ['in.lp', '-o', 'out.lp'] }
    for (const name of ['', ...COMMANDS.map((c) => c.name)]) {
      const command = name === '' ? [] : [name, ...(needs[name] ?? [])]
      for (const secret of ['--token=S3CRET-TOKEN-xyz', '--password=S3CRET-PASS-xyz', '-tS3CRET-TOKEN-xyz']) {
        const args = [...command, secret]
        const run = await runCli(args)
        expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2)
        expect(run.stderr).toContain(`unknown option '${secret.startsWith('--') ? secret.split('=')[0] : '-t'}'`)
        expect(run.stdout + run.stderr).not.toContain('S3CRET')
      }
      const json = await runCli([...command, '--json', '--token=S3CRET-TOKEN-xyz'])
      expect(parseJsonOutput(json)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'commander.unknownOption', message: "unknown option '--token'" } })
      expect(json.stdout + json.stderr).not.toContain('S3CRET')
    }
  })

  it('no command at all shows the help on stderr', async () => {
    const run = await runCli([])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Usage: eht-influx-client')
  })

  it('no command with --json: one JSON usage error saying a command is missing', async () => {
    const run = await runCli(['--json'])
    expect(run.code).toBe(2)
    expect(parseJsonOutput(run)).toEqual({ command: null, ok: false, exitCode: 2, error: { name: 'UsageError', code: 'commander.help', message: expect.stringMatching(/^no command given; name one of: print-config, check, write, .*convert \(the help is on stderr\)$/) } })
    expect(run.stderr).toContain('Usage: eht-influx-client')
  })

  it('a bad --profile value, --quiet with --verbose, a missing -o', async () => {
    const profile = await runCli(['check', '--profile', 'staging'])
    expect([profile.code, profile.stderr]).toEqual([2, expect.stringContaining("'staging' is invalid")])
    const both = await runCli(['-q', '-v', 'check'])
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('cannot be used with')])
    const noOutput = await runCli(['convert', 'x.lp'])
    expect([noOutput.code, noOutput.stderr]).toEqual([2, expect.stringContaining("required option '-o, --output <path>' not specified")])
  })

  it('--json gives the usage error as one JSON object on stdout too', async () => {
    const run = await runCli(['check', '--json', '--frobnicate'])
    expect(run.code).toBe(2)
    expect(parseJsonOutput(run)).toMatchObject({ command: 'check', ok: false, exitCode: 2, error: { code: 'commander.unknownOption', message: expect.stringContaining('--frobnicate') } })
  })
})

describe('start-up loads only what the command needs', () => {
  const recorder = fileURLToPath(new URL('../test/fixtures/record-loads.mjs', import.meta.url))
  async function loadedBy(args: string[]): Promise<string[]> {
    const file = path.join(tempDir(), 'loads.txt')
    fs.writeFileSync(file, '')
    const run = await runCli(args, { nodeArgs: ['--import', recorder], env: { EHT_TEST_LOADS_FILE: file } })
    expect(run.code).toBe(0)
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  }
  const heavy = [/@influxdata/, /\/writer\//, /\/replay\//, /\/logfile\//, /cli-progress/, /\/commands\/(check|convert|write|replay|spool|export)\.js/]

  it('print-config loads neither the InfluxDB client, writer, replay, logfile nor other commands', async () => {
    const loaded = await loadedBy(['print-config'])
    expect(loaded.some((url) => url.endsWith('/commands/print-config.js'))).toBe(true)
    expect(loaded.filter((url) => heavy.some((re) => re.test(url)))).toEqual([])
  })

  it.each(['write', 'replay', 'spool', 'export'])('%s --help loads its own module and nothing heavy', async (name) => {
    const loaded = await loadedBy([name, '--help'])
    expect(loaded.some((url) => url.endsWith(`/commands/${name}.js`))).toBe(true)
    expect(loaded.filter((url) => heavy.some((re) => re.test(url)) && !url.endsWith(`/commands/${name}.js`))).toEqual([])
  })

  it('--help loads no command module and not even the config package', async () => {
    const loaded = await loadedBy(['--help'])
    expect(loaded.filter((url) => /\/commands\/|\/config\/dist\//.test(url) || heavy.some((re) => re.test(url)))).toEqual([])
  })
})
