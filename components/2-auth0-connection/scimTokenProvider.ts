// The ScimToken dynamic provider: an Auth0 SCIM token with a real lifetime, rotated by replacement.
//
// Rotation shows in `pulumi preview` as a changed input: `check` records the planned rotation date as the
// input `rotateAfter` and, once that date has passed, plans a new one counted from now. The step then reads
// `+- replace [diff: ~rotateAfter]`, and `--diff` prints the old (passed) and the new date. `diff` turns that
// into a replacement without a clock of its own (classifyRotationChange), so check and diff cannot disagree.
// diff's clock judges only what check cannot see: expiry, and the rotation of a kept token whose inputs never had a
// date (a first schedule for a token that had none counts from its createdAt).
// Replacement is create-before-delete (deleteBeforeReplace stays false): Pulumi creates the new token,
// updates what uses it (the Entra synchronization secret), and only then deletes the old token.
//
// Never an in-place update. Pulumi's Node.js dynamic-provider host answers Configure with supportsPreview=false,
// so in a preview the engine takes an updated resource's new inputs as its outputs (provider_plugin.go Update), and
// `token`, never an input, previews as unknown: the Entra synchronization secret would show as changing although
// the token stays. So a new schedule for the same token diffs as no change: the engine's Same step records the
// checked inputs (new schedule, new rotateAfter) for the next check and keeps the outputs, token included; ScimToken
// derives its schedule outputs from its args (scheduledRotateAfter in tokenRotation.ts).
//
// The token value is returned once by Auth0 and can never be read back: `read` keeps it from state.
import * as pulumi from "@pulumi/pulumi";
import {
    Auth0ApiError,
    Auth0CredentialsError,
    ScimTokenApi,
    type Auth0ManagementOptions,
    type ScimTokenInfo,
    auth0Name,
    resolveAuth0Credentials,
} from "../clients/auth0Management";
import {
    DAY_MS,
    type TokenSchedule,
    classifyRotationChange,
    needsRotation,
    planRotation,
    rotateAfterFor,
    scheduleOf,
    scheduleProblems,
    scheduledRotateAfter,
    tokenLifetimeSeconds,
} from "./tokenRotation";
import { withStackConfig } from "../dynamic/withStackConfig";
import { HOSTNAME } from "../config/reader";

export interface ScimTokenInputs extends TokenSchedule {
    connectionId: string;
    scopes: string[];
    /** The tenant the connection is in; the credentials must sign in to it. Absent in resources made before it existed. */
    auth0Domain?: string;
    /** Set by `check`: when this token is to be replaced. Not an argument of ScimToken. */
    rotateAfter?: string;
}

export interface ScimTokenOutputs extends TokenSchedule {
    connectionId: string;
    scopes: string[];
    /** The tenant the token was issued in; absent for a token created before this was recorded. */
    auth0Domain?: string;
    tokenId: string;
    /** The bearer value, a secret; absent for a token this stack did not create (its value is unknowable). */
    token?: string;
    createdAt: string;
    /** null: never expires. */
    validUntil: string | null;
    /** null: never rotated. */
    rotateAfter: string | null;
}

export type ScimTokenApiLike = Pick<ScimTokenApi, "list" | "create" | "delete">;

export interface ScimTokenProviderOptions {
    /** The clock; tests pin it. */
    now?: () => Date;
    /** Makes the API client for one operation; default: ScimTokenApi with credentials resolved at call time. */
    api?: () => ScimTokenApiLike;
    /** Passed to ScimTokenApi by the default `api` (tests: baseUrl, sleep). */
    management?: Omit<Auth0ManagementOptions, "credentials">;
    /** Environment for credentials (after the stack config withStackConfig keeps); default process.env, read at each call. */
    env?: () => NodeJS.ProcessEnv;
    /** Where progress lines go (the provider's stdout reaches the Pulumi CLI as info). Never given a secret. */
    log?: (line: string) => void;
}

const ID_FORM = /^([^/\s]+)\/(tok_[^/\s]+)$/;

/** The resource id, also the import id: `connectionId/tokenId`. */
export function scimTokenResourceId(connectionId: string, tokenId: string): string {
    return `${connectionId}/${tokenId}`;
}

export function parseScimTokenResourceId(id: string): { connectionId: string; tokenId: string } | undefined {
    const m = ID_FORM.exec(id.trim());
    return m ? { connectionId: m[1], tokenId: m[2] } : undefined;
}

const isUnknown = (v: unknown) => v === pulumi.runtime.unknownValue;

/** Host names compare without case (credentials keep the case the user typed). */
function sameHost(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

/**
 * Refuses credentials for another tenant than the resource's: the token would be asked of (or deleted in) a tenant
 * that does not have the connection. No expected tenant (a resource made before auth0Domain existed): no check.
 */
export function assertSameTenant(auth0Domain: string | undefined, credentialsDomain: string): void {
    if (auth0Domain === undefined || sameHost(auth0Domain, credentialsDomain)) return;
    throw new Auth0CredentialsError(
        `ScimToken: the connection is in Auth0 tenant ${auth0Domain} (ScimConnection's auth0Domain arg; in this repository's stack, auth0:domain), ` +
            `but the Auth0 credentials sign in to ${credentialsDomain} (${auth0Name("domain")}). Nothing was sent to Auth0. ` +
            `Set ${auth0Name("domain")} and the client credentials to tenant ${auth0Domain}, or declare the ScimConnection with auth0Domain ${credentialsDomain}.`,
    );
}

function sameScopes(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
    const x = new Set(a ?? []);
    const y = new Set(b ?? []);
    return x.size === y.size && [...x].every((s) => y.has(s));
}

/** The properties whose change means a new token: Auth0 tokens are immutable. */
function replacementKeys(olds: Partial<Pick<ScimTokenInputs, "connectionId" | "scopes" | "tokenLifetimeDays">>, news: ScimTokenInputs): string[] {
    const keys: string[] = [];
    if (isUnknown(news.connectionId) || olds.connectionId !== news.connectionId) keys.push("connectionId");
    if (!Array.isArray(news.scopes) || news.scopes.some(isUnknown) || !sameScopes(olds.scopes, news.scopes)) keys.push("scopes");
    if ((olds.tokenLifetimeDays ?? null) !== (news.tokenLifetimeDays ?? null)) keys.push("tokenLifetimeDays");
    return keys;
}

/** The connection's tokens; undefined when Auth0 answers 404 (the connection is gone or its SCIM is off). */
async function listUnlessGone(tokens: ScimTokenApiLike, connectionId: string): Promise<ScimTokenInfo[] | undefined> {
    try {
        return await tokens.list(connectionId);
    } catch (e) {
        if (e instanceof Auth0ApiError && e.status === 404) return undefined;
        throw e;
    }
}

/** What is wrong with a ScimToken's inputs, per property; unknown values (preview) pass. */
function checkFailures(news: ScimTokenInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!isUnknown(news.connectionId) && (typeof news.connectionId !== "string" || news.connectionId.trim() === "")) {
        failures.push({ property: "connectionId", reason: "must be the Auth0 connection id (con_...)." });
    }
    const auth0Domain = news.auth0Domain;
    if (auth0Domain !== undefined && !isUnknown(auth0Domain) && (typeof auth0Domain !== "string" || !HOSTNAME.test(auth0Domain))) {
        failures.push({ property: "auth0Domain", reason: "must be the Auth0 tenant's domain without https://, e.g. acme.eu.auth0.com." });
    }
    const scopes = news.scopes;
    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((s) => typeof s !== "string" || s.trim() === "")) {
        failures.push({ property: "scopes", reason: "must be a non-empty list of SCIM scopes, e.g. get:users post:users patch:users delete:users." });
    }
    for (const reason of scheduleProblems(scheduleOf(news))) {
        failures.push({ property: reason.startsWith("tokenLifetimeDays") ? "tokenLifetimeDays" : "tokenRotationDays", reason });
    }
    return failures;
}

/**
 * A listed token's outputs: its value, schedule and rotation date from the state when there is one; an adopted
 * token's lifetime inferred from Auth0's dates when they are whole days apart.
 */
function listedOutputs(connectionId: string, listed: ScimTokenInfo, props: ScimTokenOutputs | undefined): ScimTokenOutputs {
    const known = props?.connectionId ? scheduleOf(props) : {};
    const lifetime = known.tokenLifetimeDays ?? (listed.validUntil ? (Date.parse(listed.validUntil) - Date.parse(listed.createdAt)) / DAY_MS : undefined);
    const s: TokenSchedule = {
        ...known,
        ...(lifetime !== undefined && Number.isInteger(lifetime) && lifetime >= 1 ? { tokenLifetimeDays: lifetime } : {}),
    };
    return {
        connectionId,
        scopes: listed.scopes,
        ...(props?.auth0Domain !== undefined ? { auth0Domain: props.auth0Domain } : {}),
        ...s,
        tokenId: listed.tokenId,
        ...(props?.token ? { token: props.token } : {}),
        createdAt: listed.createdAt,
        validUntil: listed.validUntil ?? null,
        rotateAfter: props?.rotateAfter ?? rotateAfterFor(listed.createdAt, s) ?? null,
    };
}

function describe(id: string, o: Pick<ScimTokenOutputs, "createdAt" | "validUntil" | "rotateAfter">): string {
    return `ScimToken ${id} (created ${o.createdAt}, ${o.validUntil ? `valid until ${o.validUntil}` : "never expires"})`;
}

export function createScimTokenProvider(options: ScimTokenProviderOptions = {}): pulumi.dynamic.ResourceProvider<ScimTokenInputs, ScimTokenOutputs> {
    const now = options.now ?? (() => new Date());
    const log = options.log ?? ((line: string) => console.log(line));
    // One Management API client per credentials for the life of the provider process: the SDK keeps its access token
    // until it expires, so a refresh of N tokens asks Auth0 for one token, not N (issue 16's call budget).
    let client: { key: string; api: ScimTokenApiLike } | undefined;
    // `auth0Domain`: the tenant the resource is in, when it says (see assertSameTenant).
    const api = (auth0Domain: string | undefined): ScimTokenApiLike => {
        if (options.api) return options.api();
        // The stack config withStackConfig keeps for the whole provider process (one source of truth), then env.
        const credentials = resolveAuth0Credentials(undefined, options.env ? options.env() : process.env);
        assertSameTenant(auth0Domain, credentials.domain);
        const key = JSON.stringify(credentials);
        if (client?.key !== key) client = { key, api: new ScimTokenApi({ ...options.management, credentials }) };
        return client.api;
    };

    return {
        async check(olds: ScimTokenInputs, news: ScimTokenInputs): Promise<pulumi.dynamic.CheckResult<ScimTokenInputs>> {
            const failures = checkFailures(news);
            if (failures.length > 0) return { inputs: news, failures };

            const next = scheduleOf(news);
            const auth0Domain = news.auth0Domain;
            // auth0Domain is no replacement key: a resource whose recorded inputs lack it diffs as no change.
            const inputs: ScimTokenInputs = {
                connectionId: news.connectionId,
                scopes: [...new Set(news.scopes)],
                ...(auth0Domain !== undefined ? { auth0Domain } : {}),
                ...next,
            };
            const existing = olds && typeof olds.connectionId === "string" && replacementKeys(olds, inputs).length === 0;
            // A kept token that had no rotation date is rotated counting from its creation, which only diff sees.
            if (existing && !olds.rotateAfter) return { inputs };
            const plan = planRotation(now(), next, existing ? { rotateAfter: olds.rotateAfter, ...scheduleOf(olds) } : undefined);
            return { inputs: { ...inputs, ...(plan.rotateAfter ? { rotateAfter: plan.rotateAfter } : {}) } };
        },

        async diff(id: string, olds: ScimTokenOutputs, news: ScimTokenInputs): Promise<pulumi.dynamic.DiffResult> {
            const replaces = replacementKeys(olds, news);
            const rotation = classifyRotationChange(
                { rotateAfter: olds.rotateAfter, ...scheduleOf(olds) },
                { rotateAfter: news.rotateAfter, ...scheduleOf(news) },
            );
            const reasons: string[] = replaces.map((k) => `${k} changed`);
            if (rotation === "rotate") {
                replaces.push("rotateAfter");
                reasons.push(`its rotation date ${olds.rotateAfter} has passed (next: ${news.rotateAfter})`);
            }
            // check plans no date for a kept token that had none (it cannot see createdAt): judged here from the outputs.
            const unplanned = news.rotateAfter ? undefined : scheduledRotateAfter(olds, scheduleOf(news));
            if (unplanned && needsRotation(now(), { rotateAfter: unplanned }).due) {
                replaces.push("tokenRotationDays");
                reasons.push(`its rotation date ${unplanned} (created ${olds.createdAt}) has passed`);
            }
            // A token that expired anyway (e.g. nobody ran `pulumi up` in time) is replaced whatever the dates say.
            const expired = needsRotation(now(), { validUntil: olds.validUntil });
            if (expired.due && !replaces.includes("rotateAfter")) {
                replaces.push("validUntil");
                reasons.push(expired.reason!);
            }
            if (replaces.length > 0) {
                log(
                    `${describe(id, olds)} will be replaced: ${reasons.join("; ")}. ` +
                        "Order: the new token is created, then the resources that use it (the Entra synchronization secret) are updated, then the old token is deleted.",
                );
                return { changes: true, replaces, deleteBeforeReplace: false };
            }
            // The same token, perhaps on a new schedule: no change (see the header), so never an Update.
            return { changes: false, deleteBeforeReplace: false };
        },

        async create(inputs: ScimTokenInputs): Promise<pulumi.dynamic.CreateResult<ScimTokenOutputs>> {
            const s = scheduleOf(inputs);
            const issued = await api(inputs.auth0Domain).create(inputs.connectionId, {
                scopes: inputs.scopes,
                tokenLifetimeSeconds: tokenLifetimeSeconds(s.tokenLifetimeDays),
            });
            // Keep check's date (so the next diff sees no change) unless it is somehow not after creation.
            const planned =
                inputs.rotateAfter && Date.parse(inputs.rotateAfter) > Date.parse(issued.createdAt) ? inputs.rotateAfter : rotateAfterFor(issued.createdAt, s);
            const outs: ScimTokenOutputs = {
                connectionId: inputs.connectionId,
                scopes: issued.scopes.length > 0 ? issued.scopes : inputs.scopes,
                ...(inputs.auth0Domain !== undefined ? { auth0Domain: inputs.auth0Domain } : {}),
                ...s,
                tokenId: issued.tokenId,
                token: issued.token,
                createdAt: issued.createdAt,
                validUntil: issued.validUntil ?? null,
                rotateAfter: planned ?? null,
            };
            const id = scimTokenResourceId(inputs.connectionId, issued.tokenId);
            log(`${describe(id, outs)} created${outs.rotateAfter ? `; rotated by the first pulumi up after ${outs.rotateAfter}` : ""}.`);
            return { id, outs };
        },

        async read(id: string, props?: ScimTokenOutputs): Promise<pulumi.dynamic.ReadResult<ScimTokenOutputs>> {
            const parsed =
                parseScimTokenResourceId(id) ??
                (props?.connectionId && props.tokenId ? { connectionId: props.connectionId, tokenId: props.tokenId } : undefined);
            if (!parsed) throw new Error(`ScimToken id "${id}" is not of the form connectionId/tokenId (e.g. con_AbC123/tok_XyZ789).`);
            const tokens = await listUnlessGone(api(props?.auth0Domain), parsed.connectionId);
            if (!tokens) {
                log(
                    `ScimToken ${id}: Auth0 answers 404 for the tokens of connection ${parsed.connectionId} (the connection was deleted or its SCIM configuration turned off); the token went with it, so it is dropped from the state and the next pulumi up creates a new one.`,
                );
                return { id: "" };
            }
            const listed = tokens.find((t) => t.tokenId === parsed.tokenId);
            if (!listed) {
                log(
                    `ScimToken ${id}: Auth0 no longer lists this token (deleted in the dashboard or by hand); it is dropped from the state and the next pulumi up creates a new one.`,
                );
                return { id: "" };
            }
            const outs = listedOutputs(parsed.connectionId, listed, props);
            if (props?.token) return { id: scimTokenResourceId(parsed.connectionId, parsed.tokenId), props: outs };
            log(
                `ScimToken ${id}: adopted without its value (Auth0 shows a token's value only once). Entra cannot be given this token by the stack: ` +
                    "replace it now with pulumi up --replace <this resource's URN>, so Entra gets a fresh token and this one is deleted afterwards.",
            );
            const { tokenId: _t, createdAt: _c, validUntil: _v, rotateAfter, ...inputs } = outs;
            return {
                id: scimTokenResourceId(parsed.connectionId, parsed.tokenId),
                props: outs,
                // What a program declaring this token would pass (plus check's rotateAfter), for an import.
                inputs: { ...inputs, ...(rotateAfter ? { rotateAfter } : {}) } as unknown as ScimTokenOutputs,
            };
        },

        // Not reached while diff never reports a change without a replacement; kept because without it the host
        // would answer an Update with the new inputs as outputs, and the token would be lost from the state.
        async update(id: string, olds: ScimTokenOutputs, news: ScimTokenInputs): Promise<pulumi.dynamic.UpdateResult<ScimTokenOutputs>> {
            const keys = replacementKeys(olds, news);
            if (keys.length > 0)
                throw new Error(`ScimToken ${id}: ${keys.join(", ")} cannot change in place; the token must be replaced (this is a provider bug).`);
            // Only the rotation schedule changes: nothing to send to Auth0.
            const { tokenRotationDays: _r, rotateAfter: _a, ...kept } = olds;
            return { outs: { ...kept, ...scheduleOf(news), rotateAfter: news.rotateAfter ?? null } };
        },

        async delete(id: string, props: ScimTokenOutputs): Promise<void> {
            const parsed = parseScimTokenResourceId(id) ?? { connectionId: props.connectionId, tokenId: props.tokenId };
            const deleted = await api(props?.auth0Domain).delete(parsed.connectionId, parsed.tokenId);
            log(deleted ? `ScimToken ${id} deleted.` : `ScimToken ${id} was already gone (404); nothing to delete.`);
        },
    };
}

/** What the provider text (components/dynamic/providerText.ts) loads inside the provider process. */
export const provider = withStackConfig(createScimTokenProvider());
