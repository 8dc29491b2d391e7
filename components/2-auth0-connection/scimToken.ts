// An Auth0 SCIM bearer token with a real lifetime (`token_lifetime`) and rotation by replacement.
// Replaces auth0.ConnectionScimToken, which has no lifetime input (its tokens never expire) and whose import
// is broken. Implementation: ./scimTokenProvider.ts, loaded through the provider text (../dynamic/providerText.ts).
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, dynamicTypeToken } from "../dynamic/dynamicResource";
import { rotationPeriodMs, scheduleOf, scheduledRotateAfter } from "./tokenRotation";

export interface ScimTokenArgs {
    /** The Auth0 connection id (con_...). A change replaces the token. */
    connectionId: pulumi.Input<string>;
    /** SCIM scopes, e.g. get:users post:users patch:users delete:users. A change replaces the token. */
    scopes: pulumi.Input<pulumi.Input<string>[]>;
    /** Days until the token expires; omitted = never expires. A change replaces the token. */
    tokenLifetimeDays?: pulumi.Input<number>;
    /** Days after creation to rotate (shorter than the lifetime); omitted = 3/4 of the lifetime, or never. */
    tokenRotationDays?: pulumi.Input<number>;
    /**
     * The Auth0 tenant the connection is in (canonical domain, e.g. acme.eu.auth0.com). The provider refuses to act
     * when its credentials (auth0:domain or AUTH0_DOMAIN) sign in to another tenant. Omitted: not checked.
     * Not a replacement key: adding it to an existing token is no change.
     */
    auth0Domain?: pulumi.Input<string>;
}

export const SCIM_TOKEN_TYPE = dynamicTypeToken("ScimToken");

/**
 * Outputs: token (secret), createdAt, validUntil (undefined: never expires), rotateAfter (undefined: never
 * rotated). Resource id and import id: `connectionId/tokenId`; the state also holds tokenId, not declared here
 * since the id carries it (each declared output costs the SDK four traced promises per resource, issue 16).
 *
 * Rotation: the first `pulumi up` at or after rotateAfter replaces the token, create-before-delete: the new
 * token is created, resources that take `token` as an input (the Entra synchronization secret) are updated,
 * then the old token is deleted. So deleteBeforeReplace must stay false; the constructor refuses true.
 *
 * A new rotation schedule keeps the token and is no change to the resource (never an in-place update, which a
 * preview would show as an unknown token and a changing Entra secret; see scimTokenProvider.ts). Its recorded
 * outputs keep the old schedule, so tokenRotationDays and rotateAfter are derived here from the args.
 */
export class ScimToken extends DynamicResource {
    declare public readonly connectionId: pulumi.Output<string>;
    declare public readonly scopes: pulumi.Output<string[]>;
    declare public readonly tokenLifetimeDays: pulumi.Output<number | undefined>;
    declare public readonly tokenRotationDays: pulumi.Output<number | undefined>;
    /** The bearer value Entra needs. Secret in state (additionalSecretOutputs) and in the program (pulumi.secret). */
    declare public readonly token: pulumi.Output<string>;
    declare public readonly createdAt: pulumi.Output<string>;
    declare public readonly validUntil: pulumi.Output<string | undefined>;
    declare public readonly rotateAfter: pulumi.Output<string | undefined>;

    constructor(name: string, args: ScimTokenArgs, opts: pulumi.CustomResourceOptions = {}) {
        if (opts.deleteBeforeReplace) {
            throw new Error(`ScimToken ${name}: deleteBeforeReplace would delete the token Entra uses before its successor exists; leave it unset.`);
        }
        super(
            "ScimToken",
            name,
            {
                connectionId: args.connectionId,
                scopes: args.scopes,
                tokenLifetimeDays: args.tokenLifetimeDays,
                tokenRotationDays: args.tokenRotationDays,
                auth0Domain: args.auth0Domain,
                // Outputs the provider fills in (rotateAfter also as an input, computed by check).
                token: undefined,
                createdAt: undefined,
                validUntil: undefined,
                rotateAfter: undefined,
            },
            { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), "token"])] },
        );
        // Mocks (and any engine that skips additionalSecretOutputs) still see a secret.
        (this as { token: pulumi.Output<string> }).token = pulumi.secret(this.token);
        // The provider reports "never" as null; callers get undefined.
        (this as { validUntil: pulumi.Output<string | undefined> }).validUntil = this.validUntil.apply((v) => v ?? undefined);
        // The date the provider plans (see scheduledRotateAfter); createdAt only when needed, since a preview of a
        // new token knows the planned date (an input) but not yet the creation time.
        (this as { rotateAfter: pulumi.Output<string | undefined> }).rotateAfter = pulumi
            .all([this.rotateAfter, this.tokenLifetimeDays, this.tokenRotationDays, args.tokenLifetimeDays, args.tokenRotationDays])
            .apply(([rotateAfter, lifetime, rotation, nextLifetime, nextRotation]) => {
                const recorded = { rotateAfter, ...scheduleOf({ tokenLifetimeDays: lifetime, tokenRotationDays: rotation }) };
                const next = scheduleOf({ tokenLifetimeDays: nextLifetime, tokenRotationDays: nextRotation });
                if (rotateAfter && rotationPeriodMs(recorded) !== undefined) return pulumi.output(scheduledRotateAfter(recorded, next));
                return this.createdAt.apply((createdAt) => scheduledRotateAfter({ ...recorded, createdAt }, next));
            });
        (this as { tokenRotationDays: pulumi.Output<number | undefined> }).tokenRotationDays = pulumi.output(args.tokenRotationDays);
    }
}
