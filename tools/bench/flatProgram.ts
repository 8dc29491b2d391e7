// The flat baseline as a program module: it registers its resources when it is required, the way the Pulumi CLI
// requires a program's index.ts, so they are made under the same module-loading frames as the stack's. Pulumi
// records each resource's whole call stack, and under ts-node each frame of a source file is cloned and
// source-mapped (docs/scale.md); a baseline called straight from the bench would skip those frames and look
// cheaper than any program the CLI runs.
import { type FlatProgramInput, registerFlat, takeFlatProgram } from "./baseline";

/**
 * Kept until the process ends, as a program's module-level resources are; the plan they were made from is not
 * (bench/child.ts says why).
 */
export const resources = registerFromInput(takeFlatProgram());

function registerFromInput(input: FlatProgramInput) {
    return registerFlat(input.plan, input.classes, input.withComponents);
}
