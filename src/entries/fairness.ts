/**
 * `safety-breaker/fairness`: the `fairness()` window detector, its window as a standalone
 * statistic, and the identity terms it infers groups from. See docs/fairness.md.
 */
export {
  fairness,
  FairnessWindow,
  type FairnessDetector,
  type FairnessGroupStats,
  type FairnessOptions,
  type FairnessOutcome,
  type FairnessSnapshot,
  type FairnessVerdict,
} from '../detectors/fairness.js';
export { DEFAULT_IDENTITY_TERMS, groupFromText, termIndex, type IdentityTerms } from '../detectors/identity-terms.js';
