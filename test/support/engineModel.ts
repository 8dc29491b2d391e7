// A small model of how the Pulumi engine drives one dynamic resource through `pulumi up`, for tests that
// cannot run the CLI. It follows pkg/resource/deploy/step_generator.go and step.go: Check(old inputs, new
// inputs), then Diff(id, old outputs, checked inputs), then Create, Update, or Replace. A replacement is
// create-before-delete unless Diff says deleteBeforeReplace: the replacement is created, the dependents'
// steps run with the new outputs, and the replaced resource is deleted at the end of the deployment.
// With deleteBeforeReplace the old resource is deleted first (kept here so a test can show why it is wrong).
import type * as pulumi from "@pulumi/pulumi";

export interface ModelState<I, O> {
    id: string;
    inputs: I;
    outputs: O;
}

export type Step = "create" | "same" | "update" | "replace" | "refresh-gone";

export interface UpResult<I, O> {
    state: ModelState<I, O>;
    step: Step;
    replaces: string[];
}

export async function modelUp<I extends object, O extends object>(
    provider: pulumi.dynamic.ResourceProvider<I, O>,
    previous: ModelState<I, O> | undefined,
    args: I,
    /** The dependents' steps (e.g. the Entra synchronization secret update), given the resource's new outputs. */
    dependents: (outputs: O) => Promise<void>,
): Promise<UpResult<I, O>> {
    const checked = provider.check ? await provider.check((previous?.inputs ?? {}) as I, args) : { inputs: args };
    if (checked.failures?.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    const inputs = (checked.inputs ?? args) as I;
    if (!previous) {
        const created = await provider.create(inputs);
        await dependents(created.outs as O);
        return { state: { id: created.id, inputs, outputs: created.outs as O }, step: "create", replaces: [] };
    }
    const diff = provider.diff ? await provider.diff(previous.id, previous.outputs, inputs) : { changes: false };
    const replaces = [...(diff.replaces ?? [])];
    if (replaces.length > 0) {
        if (diff.deleteBeforeReplace) {
            await provider.delete?.(previous.id, previous.outputs);
            const created = await provider.create(inputs);
            await dependents(created.outs as O);
            return { state: { id: created.id, inputs, outputs: created.outs as O }, step: "replace", replaces };
        }
        const created = await provider.create(inputs);
        await dependents(created.outs as O);
        await provider.delete?.(previous.id, previous.outputs);
        return { state: { id: created.id, inputs, outputs: created.outs as O }, step: "replace", replaces };
    }
    if (diff.changes) {
        const updated = provider.update ? await provider.update(previous.id, previous.outputs, inputs) : { outs: previous.outputs };
        const outputs = (updated.outs ?? previous.outputs) as O;
        await dependents(outputs);
        return { state: { id: previous.id, inputs, outputs }, step: "update", replaces };
    }
    return { state: { ...previous, inputs }, step: "same", replaces };
}

/** `pulumi refresh` for one resource: Read; an empty id means the resource is gone from the state. */
export async function modelRefresh<I extends object, O extends object>(
    provider: pulumi.dynamic.ResourceProvider<I, O>,
    state: ModelState<I, O>,
): Promise<ModelState<I, O> | undefined> {
    if (!provider.read) return state;
    const r = await provider.read(state.id, state.outputs);
    if (!r.id) return undefined;
    return { id: r.id, inputs: (r.inputs as unknown as I) ?? state.inputs, outputs: (r.props ?? state.outputs) as O };
}
