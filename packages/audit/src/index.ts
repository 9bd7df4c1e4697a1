export { AUDITED_PROJECTIONS, BUNDLE_FORMAT, createBundle, type AuditBundle, type BundledEvent, type BundledProjection } from './bundle.ts';
export { checkBundle, type CheckResult } from './check.ts';
export { checkConsistencyProof, checkInclusionProof } from './checkProof.ts';
export { consistencyProofDocument, inclusionProofDocument, OutsideTreeError, signedTreeAt, type ConsistencyProofDocument, type InclusionProofDocument } from './proofs.ts';
