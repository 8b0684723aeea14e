import { X509Certificate } from 'node:crypto'

/**
 * The certificate blocks Node.js (OpenSSL) takes as a CA: `CERTIFICATE`, and the older labels
 * `TRUSTED CERTIFICATE` (what `openssl x509 -addtrust` writes, as in RHEL's ca-bundle.trust.crt:
 * the certificate followed by its trust settings) and `X509 CERTIFICATE`. A block ends with the
 * label it began with.
 */
const BLOCK = /-----BEGIN ((?:TRUSTED |X509 )?CERTIFICATE)-----([\s\S]*?)-----END \1-----/g

/**
 * Whether `body` (the base64 between BEGIN and END) decodes to DER: a SEQUENCE whose length fits
 * in the bytes. For the TRUSTED and X509 labels, which X509Certificate does not promise to read.
 */
function isDerSequence(body: string): boolean {
  const base64 = body.replace(/\s+/g, '')
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) return false
  const der = Buffer.from(base64, 'base64')
  if (der.length < 2 || der[0] !== 0x30) return false
  let length = der[1]!
  let header = 2
  if (length > 0x80) {
    const bytes = length - 0x80
    if (bytes > 4 || der.length < 2 + bytes) return false
    length = der.subarray(2, 2 + bytes).reduce((sum, byte) => sum * 256 + byte, 0)
    header += bytes
  } else if (length === 0x80) {
    return false // indefinite length is BER, not DER
  }
  return length > 0 && header + length <= der.length
}

function readable(label: string, block: string, body: string): boolean {
  try {
    new X509Certificate(block)
    return true
  } catch {
    return label !== 'CERTIFICATE' && isDerSequence(body)
  }
}

/**
 * Why `text` is no file of PEM CA certificates (what `ca_file` must be), or undefined when it is
 * one: at least one `-----BEGIN CERTIFICATE-----` ... `-----END CERTIFICATE-----` block (or
 * TRUSTED CERTIFICATE, X509 CERTIFICATE), each a certificate Node.js can read. Other blocks (a
 * key) and text between blocks are allowed, as in the PEM files openssl and distributions write.
 */
export function pemCertificateProblem(text: string): string | undefined {
  const blocks = [...text.matchAll(BLOCK)]
  if (blocks.length === 0) {
    return 'holds no PEM certificate (no -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block); ca_file must be the CA certificate(s) in PEM format (a DER .crt or .cer converts with `openssl x509 -inform der -in ca.crt -out ca.pem`)'
  }
  for (const [index, block] of blocks.entries()) {
    if (!readable(block[1]!, block[0], block[2]!)) {
      const line = text.slice(0, block.index).split('\n').length
      return `holds a certificate block that cannot be read (certificate ${index + 1}, from line ${line}; cut short or altered when copied?)`
    }
  }
  return undefined
}
