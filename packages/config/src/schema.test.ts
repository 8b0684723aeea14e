import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { FIXED_SECTIONS, SERVER_KEYS } from './keys.js'
import { configSchema } from './schema.js'

type Section = { properties: Record<string, { default?: string; description: string }>; additionalProperties: unknown }
const schema = configSchema as { $schema: string; properties: Record<string, Section> & { server: { additionalProperties: Section } } }

describe('configSchema', () => {
  // What an editor or another tool would do with it: a plain ajv, no defaults filled in.
  const validate = new Ajv({ allErrors: true }).compile(configSchema)

  it('is a valid draft-07 schema accepting the JSON form of a file', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(validate({ client: { bucket: 'eht_test', profile: 'prod' }, server: { local: { url: 'http://127.0.0.1:8086', timeout: '10s', gzip: 'false' } }, logfile: { rotate: '100MB' } })).toBe(true)
  })

  it('rejects unknown keys, bad values and a server without url', () => {
    expect(validate({ retry: { max_retrys: '1' } })).toBe(false)
    expect(validate({ spool: { max_size: 'huge' } })).toBe(false)
    expect(validate({ server: { local: { timeout: '1s' } } })).toBe(false)
    expect(validate({ server: { 'bad name': { url: 'http://a' } } })).toBe(false)
    expect(validate({ server: { a: { url: 'http://user:pw@a' } } })).toBe(false)
  })

  it('documents every key, with the default of the README and the default file', () => {
    for (const [section, keys] of Object.entries(FIXED_SECTIONS)) {
      expect(Object.keys(schema.properties[section]!.properties)).toEqual(keys.map((k) => k.key))
      for (const k of keys) expect(schema.properties[section]!.properties[k.key]!.default).toBe(k.default)
    }
    const server = schema.properties.server.additionalProperties.properties
    expect(Object.keys(server)).toEqual(SERVER_KEYS.map((k) => k.key))
    expect(server.batch_bytes!.default).toBe('1MB')
    expect(server.timeout!.description).toContain('Expected: a duration')
  })

  it('is frozen, so no caller can change what the parser validates against', () => {
    expect(Object.isFrozen(configSchema)).toBe(true)
    expect(Object.isFrozen(schema.properties.server.additionalProperties.properties)).toBe(true)
  })
})
