// The flat baseline the stack is compared with: the same custom resources (same type tokens, same count, same
// input values, same dependency edges and providers) registered in one loop, with no components, no config
// validation and no custom (dynamic) providers. It is derived from what the stack registered in the same run,
// so it follows the stack as resources are added, and measures only what the stack adds on top.
// Resources of provider packages are made with the package's own class (`new azuread.ServicePrincipal(...)`),
// as a hand-written flat program would: those classes register every output as an input placeholder, which the
// Pulumi SDK transfers one by one, and a baseline without them would be cheaper than any real program.
import * as pulumi from "@pulumi/pulumi";
import type { RecordedCall, RecordedResource } from "../plan/simulation";

export interface FlatRegistration {
    type: string;
    name: string;
    /** Recorded input values, without `__provider`. */
    inputs: Record<string, unknown>;
    /** Top-level input keys that arrived as secrets. */
    secretKeys: string[];
    /** Input key -> indexes (into the plan) of the resources its value came from. */
    inputSources: Record<string, number[]>;
    /** Indexes of resources waited for that no input explains (dependsOn). */
    dependsOn: number[];
    /** Index of the explicit provider resource, when one was given. */
    provider?: number;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    /** Index into `components` of the component this resource was created in, if any. */
    parent?: number;
}

/** A component of the stack, for the variant of the baseline that keeps the component tree. */
export interface FlatComponent {
    type: string;
    name: string;
    /** Index into `components` of its own parent component, if any (always an earlier one). */
    parent?: number;
}

export interface FlatPlan {
    resources: FlatRegistration[];
    components: FlatComponent[];
    calls: RecordedCall[];
}

const PROVIDER_TYPE = /^pulumi:providers:(.+)$/;

/** Provider references are `urn::id`. */
function providerUrn(ref: string): string {
    const i = ref.lastIndexOf("::");
    return i < 0 ? ref : ref.slice(0, i);
}

/**
 * The custom and provider resources of a recording, in registration order, wired by index.
 * Components are dropped (their children are registered flat), and so is each dynamic resource's serialized
 * provider: the baseline registers the same type token as a plain custom resource.
 */
export function toFlatPlan(recorded: readonly RecordedResource[], calls: readonly RecordedCall[]): FlatPlan {
    const kept = recorded.filter((r) => r.custom);
    const index = new Map(kept.map((r, i) => [r.urn, i]));
    // The root stack resource is not recorded, so its children have no component parent.
    const componentRecords = recorded.filter((r) => !r.custom);
    const componentIndex = new Map(componentRecords.map((r, i) => [r.urn, i]));
    const components = componentRecords.map((r, i): FlatComponent => {
        const parent = componentIndex.get(r.parent);
        if (parent !== undefined && parent >= i) throw new Error(`flat plan: component ${r.name} is registered before its parent`);
        return { type: r.type, name: r.name, ...(parent !== undefined ? { parent } : {}) };
    });
    const indexesOf = (urns: readonly string[]) => [...new Set(urns.map((u) => index.get(u)).filter((i): i is number => i !== undefined))];
    const resources = kept.map((r): FlatRegistration => {
        const { __provider: _serialized, ...inputs } = r.inputs;
        const inputSources: Record<string, number[]> = {};
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            if (key === "__provider" || !(key in inputs)) continue;
            const sources = indexesOf(urns);
            if (sources.length > 0) inputSources[key] = sources;
        }
        const explained = new Set(Object.values(inputSources).flat());
        const provider = r.provider ? index.get(providerUrn(r.provider)) : undefined;
        return {
            type: r.type,
            name: r.name,
            inputs,
            secretKeys: [...new Set(r.secretPaths.map((p) => p.split(/[.[]/)[0]).filter((k) => k in inputs))],
            inputSources,
            dependsOn: indexesOf(r.dependencies).filter((i) => !explained.has(i)),
            ...(provider !== undefined ? { provider } : {}),
            additionalSecretOutputs: r.additionalSecretOutputs,
            ignoreChanges: r.ignoreChanges,
            deleteBeforeReplace: r.deleteBeforeReplace,
            ...(componentIndex.has(r.parent) ? { parent: componentIndex.get(r.parent)! } : {}),
        };
    });
    return { resources, components, calls: [...calls] };
}

type ResourceClass = new (name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The provider package's class for a type token (`azuread:index/servicePrincipal:ServicePrincipal`,
 * `pulumi:providers:azuread`, `azure-native:monitor:ActionGroup`), or undefined for dynamic resources and
 * packages that are not installed.
 */
export function sdkClass(type: string): ResourceClass | undefined {
    const provider = PROVIDER_TYPE.exec(type);
    const token = /^([^:]+):([^:]+):([^:]+)$/.exec(type);
    const pkg = provider ? provider[1] : token?.[1];
    if (!pkg || pkg === "pulumi-nodejs" || pkg === "pulumi") return undefined;
    const load = (id: string): Record<string, unknown> | undefined => {
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return require(id) as Record<string, unknown>;
        } catch {
            return undefined;
        }
    };
    const lib = load(`@pulumi/${pkg}`);
    let candidate: unknown;
    if (provider) {
        candidate = lib?.Provider;
    } else {
        const [, , mod, name] = token!;
        const first = mod.split("/")[0];
        candidate =
            first === "index" ? lib?.[name] : ((lib?.[first] as Record<string, unknown> | undefined)?.[name] ?? load(`@pulumi/${pkg}/${first}`)?.[name]);
    }
    const declared = (candidate as { __pulumiType?: string } | undefined)?.__pulumiType;
    const matches = provider ? `pulumi:providers:${declared}` === type : declared === type;
    return typeof candidate === "function" && matches ? (candidate as ResourceClass) : undefined;
}

class FlatResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

class FlatComponentResource extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
    }

    /** Components end with registerOutputs; the twin registers none (outputs count among what the stack adds). */
    complete(): void {
        this.registerOutputs({});
    }
}

class FlatProvider extends pulumi.ProviderResource {
    constructor(pkg: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(pkg, name, props, opts);
    }
}

/** Resolves each type's class once (outside what is timed). */
export function flatClasses(plan: FlatPlan): Map<string, ResourceClass | undefined> {
    return new Map([...new Set(plan.resources.map((r) => r.type))].map((t) => [t, sdkClass(t)]));
}

/**
 * Registers the plan: plain values, each input waiting for its recorded sources, as a hand-written flat program would.
 * `withComponents`: also the stack's component tree (same types, names and nesting, no outputs), each resource
 * under the component it was created in, so the difference to the flat run is what the component tree costs.
 */
export function registerFlat(
    plan: FlatPlan,
    classes: Map<string, ResourceClass | undefined> = flatClasses(plan),
    withComponents = false,
): pulumi.CustomResource[] {
    const made: pulumi.CustomResource[] = [];
    const components: FlatComponentResource[] = [];
    if (withComponents) {
        for (const c of plan.components) {
            components.push(new FlatComponentResource(c.type, c.name, c.parent !== undefined ? { parent: components[c.parent] } : {}));
        }
    }
    // A loop, not forEach: a hand-written flat program has no callback frames under its resources (Pulumi records
    // each resource's whole call stack).
    for (const [i, r] of plan.resources.entries()) {
        const inputs: pulumi.Inputs = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            const sources = r.inputSources[key];
            let input: pulumi.Input<unknown> = sources ? pulumi.all(sources.map((s) => made[s].id)).apply(() => value) : value;
            if (r.secretKeys.includes(key)) input = pulumi.secret(input);
            inputs[key] = input;
        }
        for (const s of [...Object.values(r.inputSources).flat(), ...r.dependsOn, ...(r.provider !== undefined ? [r.provider] : [])]) {
            if (s >= i) throw new Error(`flat plan: ${r.name} depends on a resource registered after it`);
        }
        const opts: pulumi.CustomResourceOptions = {
            ...(r.dependsOn.length ? { dependsOn: r.dependsOn.map((d) => made[d]) } : {}),
            ...(r.provider !== undefined ? { provider: made[r.provider] as pulumi.ProviderResource } : {}),
            ...(r.additionalSecretOutputs.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
            ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
            ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
            ...(withComponents && r.parent !== undefined ? { parent: components[r.parent] } : {}),
        };
        const Class = classes.get(r.type);
        const pkg = PROVIDER_TYPE.exec(r.type);
        made.push(
            Class ? new Class(r.name, inputs, opts) : pkg ? new FlatProvider(pkg[1], r.name, inputs, opts) : new FlatResource(r.type, r.name, inputs, opts),
        );
    }
    for (const call of plan.calls) pulumi.runtime.invokeOutput(call.token, call.inputs);
    for (const c of components) c.complete();
    return made;
}

/** What tools/bench/flatProgram.ts registers when it is required: set by the bench child just before. */
export interface FlatProgramInput {
    plan: FlatPlan;
    classes: Map<string, ResourceClass | undefined>;
    withComponents: boolean;
}

let flatProgramInput: FlatProgramInput | undefined;

export function setFlatProgram(input: FlatProgramInput): void {
    // One plan per process: a plan set twice, or set after the module was required, would register nothing.
    if (flatProgramInput) throw new Error("setFlatProgram: a flat program is already set and was not taken");
    flatProgramInput = input;
}

/** The input set for the flat program module; it can be taken once. */
export function takeFlatProgram(): FlatProgramInput {
    const input = flatProgramInput;
    if (!input) throw new Error("tools/bench/flatProgram is required by the bench child after setFlatProgram()");
    flatProgramInput = undefined;
    return input;
}
