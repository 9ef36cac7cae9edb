// Just enough DER to tell which key an SPKI public key is (RFC 5280 §4.1.2.7), synchronously,
// so that a key that cannot serve the configured algorithms is refused when the factory runs.

// DER object identifiers (contents only) of SPKI key algorithms and EC curves (RFC 5480, RFC 8410).
const OID: Record<string, string> = {
  '2a864886f70d010101': 'rsa',
  '2a864886f70d01010a': 'rsa-pss',
  '2a8648ce3d0201': 'ec',
  '2b6570': 'ed25519',
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};

/** Reads one DER TLV at `pos`: its tag and where its contents start and end. */
function tlv(der: Uint8Array, pos: number): { tag: number; start: number; end: number } {
  const tag = der[pos];
  let len = der[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | der[start + i];
    start += n;
  }
  if (tag === undefined || start + len > der.length) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

function hex(der: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += der[i].toString(16).padStart(2, '0');
  return out;
}

/** What an SPKI holds: its key type, the EC curve, or the RSA modulus size. */
export interface SpkiInfo {
  kind: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | undefined;
  curve?: string;
  rsaBits?: number;
}

/** Reads a DER SubjectPublicKeyInfo; throws on malformed input. */
export function readSpki(der: Uint8Array): SpkiInfo {
  const spki = tlv(der, 0);
  const algId = tlv(der, spki.start);
  const oid = tlv(der, algId.start);
  const kind = OID[hex(der, oid.start, oid.end)] as SpkiInfo['kind'];
  if (kind === 'rsa' || kind === 'rsa-pss') {
    // subjectPublicKey BIT STRING → RSAPublicKey SEQUENCE → modulus INTEGER (RFC 8017 §A.1.1).
    const bits = tlv(der, algId.end);
    const modulus = tlv(der, tlv(der, bits.start + 1).start);
    return { kind, rsaBits: (modulus.end - modulus.start - (der[modulus.start] === 0 ? 1 : 0)) * 8 };
  }
  if (kind === 'ec' && oid.end < algId.end) {
    const curve = tlv(der, oid.end);
    return { kind, curve: OID[hex(der, curve.start, curve.end)] };
  }
  return { kind: kind === 'ed25519' ? kind : undefined };
}
