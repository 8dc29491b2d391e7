// Runs the real program in-process against simulated providers: Pulumi's mock monitor, extended to record
// what the engine would be told (parent, dependencies, property dependencies, secret inputs, options).
// Used by the offline plan (tools/plan/plan.ts), the tests and the benchmark. No network, no credentials.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** Pulumi's wire marker for a secret value. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** The id the simulated provider answered (empty for components). */
    id: string;
    custom: boolean;
    parent: string;
    /** URNs this resource waits for (dependsOn plus every input's source). */
    dependencies: string[];
    /** Input name -> URNs its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** Inputs with secrets unwrapped (for assertions). */
    inputs: Record<string, unknown>;
    /** Inputs with every secret replaced by "[secret]" (for display). */
    displayInputs: Record<string, unknown>;
    /** Dotted paths of inputs that arrived as secrets. */
    secretPaths: string[];
    provider: string;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    /** Aliases as sent to the engine: URNs the resource answers to, or specs (only the fields that were set). */
    aliases: RecordedAlias[];
    /** What the simulated provider answered. */
    state: Record<string, unknown>;
}

/**
 * One alias of a registration: a URN, or a spec whose unset fields are the resource's own (the engine's rule). The
 * SDK also sends the resource's own parent in a spec that names none; that is left out here, as it says nothing.
 */
export interface RecordedAlias {
    urn?: string;
    name?: string;
    type?: string;
    /** The earlier parent's URN. */
    parentUrn?: string;
    /** The resource was once a root resource (no parent). */
    noParent?: boolean;
}

interface AliasSpec {
    getName(): string;
    getType(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

function recordAlias(alias: { getUrn(): string; getSpec(): AliasSpec | undefined }, ownParent: string): RecordedAlias {
    const spec = alias.getSpec();
    if (!spec) return { urn: alias.getUrn() };
    return {
        ...(spec.getName() ? { name: spec.getName() } : {}),
        ...(spec.getType() ? { type: spec.getType() } : {}),
        ...(spec.getParenturn() && spec.getParenturn() !== ownParent ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.getNoparent() ? { noParent: true } : {}),
    };
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, unknown>;
}

/** Stable fake ids, so that a plan printed twice reads the same. */
export function simulatedGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function simulatedHex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    return out.slice(0, length);
}

function simulatedAlnum(seed: string, length: number): string {
    return createHash("sha256")
        .update(seed)
        .digest("base64")
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, length);
}

/** A base64 body shaped like azuread's certificate `value` (not a real certificate: nothing signs with it). */
function simulatedCertificateBody(seed: string): string {
    return Buffer.from(`simulated certificate for ${seed} `.repeat(24)).toString("base64");
}

const SIM_TENANT = "00000000-0000-4000-a000-000000000000";

/**
 * "Now" for simulated answers: the start of today (UTC), so simulated dates (token expiry, certificate end) are
 * relative to the day the plan runs, and a plan printed twice in a day reads the same.
 */
export function simulatedNow(today: Date = new Date()): Date {
    return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
}

/** Entra's default lifetime of a token signing certificate: three years. */
const CERTIFICATE_YEARS = 3;

/** auth0.SelfServiceProfile: ids as recorded by terraform-provider-auth0 (`ssp_` and 22 letters and digits). */
function simulateSelfServiceProfile(seed: string, inputs: Record<string, unknown>, now: string) {
    return { id: `ssp_${simulatedAlnum(seed, 22)}`, state: { ...inputs, createdAt: now, updatedAt: now } };
}

/** auth0.ConnectionClients: its id is the connection's. */
function simulateConnectionClients(inputs: Record<string, unknown>) {
    return { id: String(inputs.connectionId), state: { ...inputs, name: "simulated", strategy: "samlp" } };
}

/** auth0.OrganizationConnection: terraform-provider-auth0 ids it `<organization id>::<connection id>`. */
function simulateOrganizationConnection(inputs: Record<string, unknown>) {
    return { id: `${String(inputs.organizationId)}::${String(inputs.connectionId)}`, state: { ...inputs, name: "simulated", strategy: "samlp" } };
}

/** Realistic provider answers, by type token; ids and values are derived from the resource name. */
export function simulateResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const inputs = args.inputs as Record<string, unknown>;
    const seed = `${args.type}/${args.name}`;
    const today = simulatedNow();
    const now = today.toISOString();
    switch (args.type) {
        case "auth0:index/connection:Connection":
            return { id: `con_${simulatedAlnum(seed, 16)}`, state: { ...inputs } };
        case "auth0:index/selfServiceProfile:SelfServiceProfile":
            return simulateSelfServiceProfile(seed, inputs, now);
        case "auth0:index/connectionClients:ConnectionClients":
            return simulateConnectionClients(inputs);
        case "auth0:index/organizationConnection:OrganizationConnection":
            return simulateOrganizationConnection(inputs);
        case "auth0:index/connectionScimConfiguration:ConnectionScimConfiguration":
            return {
                id: String(inputs.connectionId),
                state: { ...inputs, connectionName: args.name, strategy: "samlp", tenantName: "simulated" },
            };
        case "auth0:index/connectionScimToken:ConnectionScimToken":
        case "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken": {
            const tokenId = `tok_${simulatedAlnum(seed, 16)}`;
            const lifetime = typeof inputs.tokenLifetimeDays === "number" ? inputs.tokenLifetimeDays : undefined;
            const rotation = typeof inputs.tokenRotationDays === "number" ? inputs.tokenRotationDays : undefined;
            const plusDays = (d: number) => new Date(Date.parse(now) + d * 86_400_000).toISOString();
            return {
                // ScimToken's id is `connectionId/tokenId` (scimTokenProvider.ts), as its import id.
                id: args.type === "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken" ? `${String(inputs.connectionId)}/${tokenId}` : tokenId,
                state: {
                    ...inputs,
                    tokenId,
                    token: `${tokenId}.${simulatedHex(seed, 64)}`,
                    createdAt: now,
                    ...(lifetime !== undefined ? { validUntil: plusDays(lifetime) } : {}),
                    ...(rotation !== undefined ? { rotateAfter: plusDays(rotation) } : {}),
                },
            };
        }
        case "azuread:index/applicationFromTemplate:ApplicationFromTemplate": {
            const app = simulatedGuid(`${seed}/application`);
            const sp = simulatedGuid(`${seed}/servicePrincipal`);
            return {
                id: `/applicationTemplates/${String(inputs.templateId)}/instantiate/${app}/${sp}`,
                state: {
                    ...inputs,
                    applicationId: `/applications/${app}`,
                    applicationObjectId: app,
                    servicePrincipalId: `/servicePrincipals/${sp}`,
                    servicePrincipalObjectId: sp,
                },
            };
        }
        case "azuread:index/servicePrincipal:ServicePrincipal": {
            const objectId = simulatedGuid(`sp/${String(inputs.clientId)}`);
            return {
                id: `/servicePrincipals/${objectId}`,
                state: {
                    ...inputs,
                    objectId,
                    applicationTenantId: SIM_TENANT,
                    // What a non-gallery app exposes: the "User" role and msiam_access.
                    appRoles: [
                        {
                            allowedMemberTypes: ["User"],
                            description: "User",
                            displayName: "User",
                            enabled: true,
                            id: "18d14569-c3bd-439b-9a66-3a2aee01d14f",
                            value: "",
                        },
                        {
                            allowedMemberTypes: ["User"],
                            description: "msiam_access",
                            displayName: "msiam_access",
                            enabled: true,
                            id: "b9632174-c057-4f7e-951b-be3adc52bfe6",
                            value: "",
                        },
                    ],
                },
            };
        }
        case "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate": {
            const keyId = simulatedGuid(`${seed}/key`);
            return {
                id: `${String(inputs.servicePrincipalId)}/tokenSigningCertificate/${keyId}`,
                state: {
                    ...inputs,
                    keyId,
                    thumbprint: simulatedHex(`${seed}/thumbprint`, 40).toUpperCase(),
                    value: simulatedCertificateBody(seed),
                    startDate: now,
                    endDate:
                        inputs.endDate ?? new Date(Date.UTC(today.getUTCFullYear() + CERTIFICATE_YEARS, today.getUTCMonth(), today.getUTCDate())).toISOString(),
                },
            };
        }
        case "azuread:index/synchronizationJob:SynchronizationJob": {
            const sp = String(inputs.servicePrincipalId);
            const jobId = `scim.${simulatedHex(`${seed}/tenant`, 32)}.${simulatedHex(`${seed}/job`, 32)}`;
            return { id: `${sp}/synchronization/jobs/${jobId}`, state: { ...inputs, schedules: [{ interval: "PT40M", state: "Active" }] } };
        }
        case "pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema":
            return {
                id: `${String(inputs.servicePrincipalId)}/${String(inputs.synchronizationJobId)}/schema`,
                state: { ...inputs, originalAttributeMappings: [], synchronizationRuleId: simulatedGuid(`${seed}/rule`) },
            };
        case "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisioningStatus":
            return {
                id: `${String(inputs.servicePrincipalId)}/${String(inputs.synchronizationJobId)}/status`,
                state: { ...inputs, statusCode: inputs.enabled ? "Active" : "Paused" },
            };
        case "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisionOnDemand":
            // What a subject Entra provisions for the first time answers: Success, Create, its new SCIM id.
            return {
                id: `${String(inputs.servicePrincipalId)}/${String(inputs.synchronizationJobId)}/${String(inputs.objectTypeName)}/${String(inputs.objectId)}`,
                state: { ...inputs, result: "Success", action: "Create", targetId: simulatedGuid(`${seed}/target`) },
            };
        default:
            return { id: `${args.name}-id`, state: { ...inputs } };
    }
}

export function simulateCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    switch (args.token) {
        case "azuread:index/getApplication:getApplication":
            return { ...inputs, clientId: simulatedGuid(`client/${String(inputs.objectId)}`), objectId: inputs.objectId };
        default:
            return { ...inputs };
    }
}

interface ProtoValue {
    toJavaScript(): unknown;
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getObject(): ProtoValue | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getAdditionalsecretoutputsList(): string[];
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean;
    getAliasesList(): { getUrn(): string; getSpec(): AliasSpec | undefined }[];
}

function walkSecrets(value: unknown, path: string, secrets: string[]): { plain: unknown; display: unknown } {
    if (Array.isArray(value)) {
        const parts = value.map((v, i) => walkSecrets(v, `${path}[${i}]`, secrets));
        return { plain: parts.map((p) => p.plain), display: parts.map((p) => p.display) };
    }
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) {
            secrets.push(path);
            return { plain: walkSecrets(o.value, path, []).plain, display: "[secret]" };
        }
        const plain: Record<string, unknown> = {};
        const display: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) {
            if (k === SIG_KEY) continue;
            const p = walkSecrets(v, path ? `${path}.${k}` : k, secrets);
            plain[k] = p.plain;
            display[k] = p.display;
        }
        return { plain, display };
    }
    return { plain: value, display: value };
}

/**
 * A URN as the engine makes it: a child's type is qualified by its parent's whole qualified type, except the stack's
 * (pulumi/pulumi sdk/go/common/resource/urn.go NewURN). Pulumi's MockMonitor keeps only the parent's last type,
 * so the URNs the plan and the stack-shape fixture hold would not be a real stack's.
 */
export function engineUrn(parent: string, type: string, name: string): string {
    const stack = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::`;
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `${stack}${qualified}::${name}`;
}

/** Pulumi's mock monitor, keeping every registration as the engine would receive it. */
export class RecordingMonitor extends MockMonitor {
    readonly recorded: RecordedResource[] = [];
    readonly calls: RecordedCall[] = [];
    /** Called at each registration (the plan's progress), synchronously: timers may not run for seconds meanwhile. */
    onRegister?: (count: number) => void;

    constructor(mocks: pulumi.runtime.Mocks = { newResource: simulateResource, call: simulateCall }) {
        const calls: RecordedCall[] = [];
        super({
            newResource: mocks.newResource,
            call: (args: pulumi.runtime.MockCallArgs) => {
                calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
                return mocks.call(args);
            },
        });
        this.calls = calls;
        // MockMonitor.newUrn is private in its typings; an own property takes its place.
        Object.assign(this, { newUrn: engineUrn });
    }

    async registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void> {
        const secretPaths: string[] = [];
        const raw = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const { plain, display } = walkSecrets(raw, "", secretPaths);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const entry: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            id: "",
            custom: req.getCustom(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            inputs: plain as Record<string, unknown>,
            displayInputs: display as Record<string, unknown>,
            secretPaths,
            provider: req.getProvider(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            aliases: req.getAliasesList().map((a) => recordAlias(a, req.getParent())),
            state: {},
        };
        this.recorded.push(entry);
        this.onRegister?.(this.recorded.length);
        await super.registerResource(req, (err: unknown, res: unknown) => {
            const response = res as { getUrn(): string; getId(): string; getObject(): ProtoValue | undefined } | undefined;
            if (response) {
                entry.urn = response.getUrn();
                entry.id = response.getId();
                entry.state = walkSecrets(response.getObject()?.toJavaScript() ?? {}, "", []).plain as Record<string, unknown>;
            }
            callback(err, res);
        });
    }

    /** Registered resources of one type token. */
    ofType(type: string): RecordedResource[] {
        return this.recorded.filter((r) => r.type === type);
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.recorded.find((r) => r.urn === urn);
    }
}

/**
 * Installs a RecordingMonitor as Pulumi's runtime, with stack config as `pulumi.Config` will read it.
 * `config` keys are full keys (`auth0:domain`); non-string values are JSON-encoded as the CLI does.
 */
export async function simulate(
    options: { project?: string; stack?: string; preview?: boolean; config?: Record<string, unknown>; secretKeys?: string[] } = {},
): Promise<RecordingMonitor> {
    const monitor = new RecordingMonitor();
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.config ?? {})) {
        config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
    pulumi.runtime.setMockOptions(monitor, options.project ?? "auth0-entra-scim", options.stack ?? "plan", options.preview ?? false);
    // The engine supports secrets, resource references and the rest; Pulumi's mock runtime only learns
    // that when asked, and would otherwise send secrets in plain text, hiding whether a value is secret.
    await (pulumi.runtime as unknown as { awaitFeatureSupport(): Promise<void> }).awaitFeatureSupport();
    return monitor;
}

/** Resolves an Output (or plain value) for assertions, keeping whether it was secret. */
export async function resolve<T>(value: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    const output = pulumi.output(value);
    const secret = await pulumi.isSecret(output);
    const resolved = await new Promise<T>((ok) =>
        output.apply((v) => {
            ok(v as T);
            return v;
        }),
    );
    return { value: resolved, secret };
}

/** Waits until every registration and invoke the program started has been answered. */
export async function settle(): Promise<void> {
    // waitForRPCs is what `disconnect` awaits; it is exported by the runtime but marked internal in its types.
    const settings = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}
