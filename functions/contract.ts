// Names that cross the boundary between the program (components/) and the policy pack (policies/):
// defined once here, in plain TypeScript that both sides import.

/**
 * Tag the components put on every Lambda that can start or carry out a regional promotion (the
 * orchestrator, and the detector that asks for one). The policy pack finds those functions by
 * this tag, never by their names, so a renamed or new promoting function cannot escape its rules.
 */
export const PROMOTES_TAG = "magento-dr:promotes";
