// Kept for stacks whose stored `__provider` text names this path (written before the package layout):
// those texts load it through ts-node from the project root. The implementation lives in ../2-auth0-connection/.
export { provider } from "../2-auth0-connection/scimTokenProvider";
