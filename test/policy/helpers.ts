// Policy test helpers in the style of pulumi-policy-aws: build the validation args the policy SDK would pass
// for a resource (or a stack), run the policy, and assert on the violations it reports.
// Props go through the SDK's own unknownCheckingProxy, so "unknown during preview" behaves as in the engine.
import { expect } from "vitest";
import type {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";
import type { PolicyContext, StackIdentity } from "../../policy/policies";

// Runtime exports of @pulumi/policy that its typings leave out.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require("@pulumi/policy") as {
    unknownCheckingProxy<T>(props: T): T;
    UnknownValueError: new (...args: never[]) => Error;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as { unknownStringValue: string; unknownArrayValue: string; unknownBooleanValue: string };

/** What the engine sends for a value not known until the update runs. */
export const UNKNOWN = {
    string: sentinels.unknownStringValue,
    array: sentinels.unknownArrayValue,
    boolean: sentinels.unknownBooleanValue,
} as const;

export interface Violation {
    message: string;
    urn?: string;
}

export interface PolicyRun {
    violations: Violation[];
    /** The policy read a value that is unknown during preview: the SDK reports an advisory instead. */
    unknownDuringPreview: boolean;
}

const OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** A resource class such as azuread.ServicePrincipal; its type token is the static `__pulumiType`. */
export type ResourceClass = new (...args: never[]) => Resource;

function pulumiTypeOf(resourceClass: unknown): string | undefined {
    return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

function typeOf(type: string | ResourceClass): string {
    return typeof type === "string" ? type : pulumiTypeOf(type)!;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    return pulumiTypeOf(resourceClass) === type;
}

export function urnOf(type: string, name: string, parentTypes: string[] = []): string {
    return `urn:pulumi:prod::auth0-entra-scim::${[...parentTypes, type].join("$")}::${name}`;
}

class NotApplicable extends Error {}

/** Validation args for one resource, as the SDK's Analyze RPC builds them. */
export function resourceArgs(
    type: string | ResourceClass,
    props: Record<string, unknown>,
    options: { name?: string; config?: Record<string, unknown> } = {},
): ResourceValidationArgs {
    const t = typeOf(type);
    const name = options.name ?? "res";
    const proxied = sdk.unknownCheckingProxy(props);
    return {
        type: t,
        props: proxied,
        urn: urnOf(t, name),
        name,
        opts: OPTIONS,
        stackTags: new Map(),
        isType: (cls) => isTypeOf(t, cls),
        asType: ((cls: unknown) => (isTypeOf(t, cls) ? proxied : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => (options.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

async function collect(run: (report: (message: string, urn?: string) => void) => Promise<void> | void): Promise<PolicyRun> {
    const violations: Violation[] = [];
    try {
        await run((message, urn) => violations.push({ message, urn }));
    } catch (err) {
        if (err instanceof sdk.UnknownValueError) return { violations, unknownDuringPreview: true };
        if (err instanceof NotApplicable) return { violations, unknownDuringPreview: false };
        throw err;
    }
    return { violations, unknownDuringPreview: false };
}

export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<PolicyRun> {
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    return collect(async (report) => {
        for (const validate of validations) await validate(args, report);
    });
}

export async function assertNoResourceViolations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<void> {
    const run = await runResourcePolicy(policy, args);
    expect(run.unknownDuringPreview, "policy hit an unknown value").toBe(false);
    expect(run.violations.map((v) => v.message)).toEqual([]);
}

/** Runs the policy and expects a violation whose message contains every given fragment. */
export async function assertHasResourceViolation(policy: ResourceValidationPolicy, args: ResourceValidationArgs, ...fragments: string[]): Promise<Violation> {
    const run = await runResourcePolicy(policy, args);
    const hit = run.violations.find((v) => fragments.every((f) => v.message.includes(f)));
    expect(hit, `no violation containing ${JSON.stringify(fragments)}; got ${JSON.stringify(run.violations.map((v) => v.message))}`).toBeDefined();
    return hit!;
}

export interface StackResourceSpec {
    type: string | ResourceClass;
    name: string;
    props?: Record<string, unknown>;
    parent?: PolicyResource;
}

/** A resource as a stack policy sees it: outputs, parent chain, and a URN that nests under the parent's type. */
export function stackResource(spec: StackResourceSpec): PolicyResource {
    const t = typeOf(spec.type);
    const parentTypes: string[] = [];
    for (let p = spec.parent; p; p = p.parent) parentTypes.unshift(p.type);
    const props = sdk.unknownCheckingProxy(spec.props ?? {});
    return {
        type: t,
        name: spec.name,
        urn: urnOf(t, spec.name, parentTypes),
        props,
        opts: { ...OPTIONS, parent: spec.parent?.urn },
        parent: spec.parent,
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => isTypeOf(t, cls),
        asType: ((cls: unknown) => (isTypeOf(t, cls) ? props : undefined)) as PolicyResource["asType"],
    };
}

export function stackArgs(resources: PolicyResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export async function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<PolicyRun> {
    return collect((report) => policy.validateStack(args, report));
}

/** A fixed clock and stack for the policies that read them. */
export function fixedContext(now: string, stack: StackIdentity): PolicyContext {
    return { now: () => new Date(now), stack: () => stack };
}
