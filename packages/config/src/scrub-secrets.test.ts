import { describe, expect, it } from 'vitest'
import { Secret } from './secret.js'
import { collapsedSecretForms, collapseWhitespace, SCRUB_ANYWHERE_LENGTH, scrubSecrets, serverSecrets, withoutSecretStart } from './scrub-secrets.js'

describe('serverSecrets', () => {
  it('lists the token, the password and the Basic credential built from the user name and password', () => {
    const values = serverSecrets({ token: new Secret('tok'), username: 'eht', password: new Secret('pw') })
    expect(values).toEqual(['tok', 'pw', Buffer.from('eht:pw').toString('base64')])
  })

  it('has nothing for a server without secrets, and the credential of an empty user name with a password', () => {
    expect(serverSecrets({ token: undefined, username: undefined, password: undefined })).toEqual([])
    expect(serverSecrets({ token: undefined, username: undefined, password: new Secret('s3cret-pass') })).toEqual(['s3cret-pass', Buffer.from(':s3cret-pass').toString('base64')])
  })
})

describe('scrubSecrets', () => {
  it('removes a long secret wherever it appears, inside other text too', () => {
    const token = 'AbCdEf0123456789=='
    expect(token.length).toBeGreaterThanOrEqual(SCRUB_ANYWHERE_LENGTH)
    expect(scrubSecrets(`Authorization: Token ${token}; echo=x${token}y, again ${token}`, [token])).toBe('Authorization: Token ***; echo=x***y, again ***')
  })

  it('removes a short secret where it stands on its own, and leaves the words that merely contain it', () => {
    expect(scrubSecrets('network error: connect ECONNREFUSED 127.0.0.1:8086 (token x)', ['x'])).toBe('network error: connect ECONNREFUSED 127.0.0.1:8086 (token ***)')
    expect(scrubSecrets('going upward, pw: pw, url http://eht:pw@host', ['pw'])).toBe('going upward, ***: ***, url http://eht:***@host')
    expect(scrubSecrets('pw', ['pw'])).toBe('***')
    expect(scrubSecrets('pwpw pw', ['pw'])).toBe('pwpw ***')
  })

  it('takes the longest secret first, so a secret that holds another goes whole', () => {
    expect(scrubSecrets('Token tok123456789 and tok', ['tok', 'tok123456789'])).toBe('Token *** and ***')
  })

  it('leaves a text without secrets as it is, and copes with characters that mean something in a pattern', () => {
    expect(scrubSecrets('nothing to hide', ['p.w*', 'a+b(c)'])).toBe('nothing to hide')
    expect(scrubSecrets('user p.w* said a+b(c)', ['p.w*', 'a+b(c)'])).toBe('user *** said ***')
    expect(scrubSecrets('anything', [''])).toBe('anything')
  })
})

describe('withoutSecretStart and the collapsed forms', () => {
  const secret = 'T0ken-Much-Hidden-42'
  it('takes away what a cut through a secret left (3 characters or more), and nothing else', () => {
    for (let n = 0; n <= secret.length; n++) {
      const cut = `answer: ${secret.slice(0, n)}`
      const out = withoutSecretStart(cut, [secret])
      expect(out).toBe(n >= 3 ? 'answer: ' : cut)
    }
    expect(withoutSecretStart('answer: T0kens are fine', [secret])).toBe('answer: T0kens are fine')
  })
  it('collapsedSecretForms adds a secret as it reads once its whitespace is collapsed', () => {
    expect(collapsedSecretForms(['a  b\tc', 'plain', ''])).toEqual(['a  b\tc', 'a b c', 'plain'])
    const echoed = collapseWhitespace('sent:   a  b\tc  ')
    expect(scrubSecrets(echoed, collapsedSecretForms(['a  b\tc']))).toBe('sent: ***')
  })
})
