import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson } from '../eventStore/recordCodec.ts';
import { MERKLE_ALGORITHM, type MerkleTree } from './merkle.ts';

/** The Merkle root of the log at a size: what an auditor keeps, and later proofs are checked against. */
export interface MerkleDigest {
  readonly algorithm: typeof MERKLE_ALGORITHM;
  readonly size: number;
  /** Hex MTH of the first `size` stored events. */
  readonly root: string;
  /** recordedAt of the event at `size`. */
  readonly recordedAt: string | null;
}

export interface SignedDigest extends MerkleDigest {
  readonly signature: {
    readonly algorithm: 'ed25519';
    /** First 16 hex digits of SHA-256 over the public key (SPKI, DER). */
    readonly keyId: string;
    /** Base64 Ed25519 signature over the digest's canonical JSON (without the signature). */
    readonly value: string;
  };
}

/** The digest of the tree of the first `size` leaves; `recordedAt` is that of the event at `size`. */
export const merkleDigestOf = async (tree: MerkleTree, recordedAt: string | null, size = tree.size): Promise<MerkleDigest> => ({
  algorithm: MERKLE_ALGORITHM,
  size,
  root: await tree.root(size),
  recordedAt,
});

const signedBytes = (digest: MerkleDigest) => Buffer.from(canonicalJson({ algorithm: digest.algorithm, size: digest.size, root: digest.root, recordedAt: digest.recordedAt }));

export const keyIdOf = (publicKey: KeyObject): string => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);

export const signDigest = (digest: MerkleDigest, privateKey: KeyObject): SignedDigest => ({
  ...digest,
  signature: { algorithm: 'ed25519', keyId: keyIdOf(createPublicKey(privateKey)), value: sign(null, signedBytes(digest), privateKey).toString('base64') },
});

/** True when the signature is the key's over exactly these digest fields. */
export const verifyDigestSignature = (signed: SignedDigest, publicKey: KeyObject): boolean =>
  signed.signature.algorithm === 'ed25519' && signed.signature.keyId === keyIdOf(publicKey) && verify(null, signedBytes(signed), publicKey, Buffer.from(signed.signature.value, 'base64'));

/**
 * The ledger's Ed25519 signing key, a PKCS#8 PEM file readable by its owner only; created on first
 * use. Its public half is what auditors are given (publicKeyPem).
 */
export const loadOrCreateSigningKey = (path: string): { privateKey: KeyObject; publicKey: KeyObject; publicKeyPem: string } => {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(path));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
