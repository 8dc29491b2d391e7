// The stack: one ScimConnection per configured connection (see components/stack.ts and README.md).
import { runStack } from "./components/stack";

/** Per connection name: ids, URLs and the SCIM token (a secret) that other tools read. */
export const connections = runStack();
