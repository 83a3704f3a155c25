// Checked accessors over node-forge's ASN.1 tree. The PKCS#12 reader walks untrusted
// bytes, so every step checks the shape it expects and throws Asn1StructureError
// instead of failing later with a TypeError. Byte strings are forge's binary strings
// (one char per byte).
import forge from 'node-forge';

export type Asn1 = forge.asn1.Asn1;

/** DER bytes that do not have the structure the reader expects. */
export class Asn1StructureError extends Error {
  override name = 'Asn1StructureError';
}

interface FromDerOptions {
  strict: boolean;
  parseAllBytes: boolean;
  decodeBitStrings: boolean;
}

// @types/node-forge declares only the boolean `strict` argument, but forge 1.x also
// takes this options object. decodeBitStrings stays off so that toDer re-encodes
// every BIT STRING byte for byte.
const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => Asn1;

/** Parses one complete DER (or BER) value. `partName` names it in the error. */
export function parseDer(bytes: string, partName: string): Asn1 {
  try {
    return fromDer(bytes, { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch (error) {
    throw new Asn1StructureError(`${partName} is truncated or not valid DER`, { cause: error });
  }
}

/** Returns the elements of a constructed value, requiring at least `minimum` of them. */
export function childrenOf(node: Asn1, partName: string, minimum = 1): Asn1[] {
  if (!Array.isArray(node.value) || node.value.length < minimum) {
    throw new Asn1StructureError(`${partName} is not a constructed value with at least ${minimum} elements`);
  }
  return node.value;
}

/** Returns the single value inside a context-specific EXPLICIT tag such as `[0]`. */
export function explicitContent(node: Asn1, partName: string): Asn1 {
  if (node.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC) {
    throw new Asn1StructureError(`${partName} is not a context-specific tagged value`);
  }
  return childrenOf(node, partName)[0];
}

/** Returns an OBJECT IDENTIFIER in dotted form. */
export function oidOf(node: Asn1, partName: string): string {
  if (node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') {
    throw new Asn1StructureError(`${partName} is not an OBJECT IDENTIFIER`);
  }
  return forge.asn1.derToOid(node.value);
}

/** Returns a non-negative INTEGER that fits in 32 bits. */
export function integerOf(node: Asn1, partName: string): number {
  if (node.type !== forge.asn1.Type.INTEGER || typeof node.value !== 'string' || node.value.length > 4) {
    throw new Asn1StructureError(`${partName} is not an INTEGER of at most 32 bits`);
  }
  return forge.asn1.derToInteger(node.value);
}

/** Returns the bytes of an OCTET STRING (or an IMPLICIT one), joining the chunks of a BER constructed one. */
export function octetsOf(node: Asn1): string {
  if (typeof node.value === 'string') return node.value;
  return node.value.map((chunk) => octetsOf(chunk)).join('');
}

export function bytesToBinary(bytes: Buffer): string {
  return bytes.toString('latin1');
}

export function binaryToBytes(binary: string): Buffer {
  return Buffer.from(binary, 'latin1');
}
