// Kept for stacks whose stored `__provider` text names this path (written before the package layout):
// those texts load it through ts-node from the project root. The implementation lives in ../1-entra-app/.
export { provider } from "../1-entra-app/preferredTokenSigningKeyProvider";
