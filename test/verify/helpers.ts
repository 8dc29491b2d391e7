// Shared by the verify tests: a target for the local SCIM server and options that never sleep for long.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type ScimServerOptions, ScimTestServer } from "../../tools/scim-server/server";
import type { ConnectionTarget } from "../../tools/verify/report";
import { DEFAULT_LIMITS, type RequestLimits } from "../../tools/verify/http";
import { DEFAULT_OPTIONS, type VerifyOptions } from "../../tools/verify/run";
import { parseTenantUrl } from "../../tools/verify/dialect";

export const TOKEN = "tok_verifyTest123.0f9e8d7c6b5a49382716051f2e3d4c5b6a7988776655443322110099aabbccdd";

export const ALL_SCOPES = ["get:users", "post:users", "patch:users", "delete:users", "get:groups", "post:groups", "patch:groups", "delete:groups"];
export const USER_SCOPES = ALL_SCOPES.filter((s) => s.endsWith(":users"));

export function target(scimUrl: string, o: { flag?: boolean; scopes?: string[] | null; sp?: string; job?: string } = {}): ConnectionTarget {
    const tenantUrl = o.flag === false ? scimUrl : `${scimUrl}?aadOptscim062020`;
    return {
        source: "flags",
        scimEndpointUrl: scimUrl,
        entraTenantUrl: tenantUrl,
        dialect: parseTenantUrl(tenantUrl).dialect,
        tokenScopes: o.scopes === undefined ? ALL_SCOPES : o.scopes,
        ...(o.sp ? { entraServicePrincipalId: o.sp } : {}),
        ...(o.job ? { synchronizationJobId: o.job } : {}),
    };
}

export function limits(overrides: Partial<RequestLimits> = {}): RequestLimits {
    // Pacing stays on (at the real cap) so that it is exercised; the run is a few dozen requests.
    return { ...DEFAULT_LIMITS, requestsPerSecond: 25, timeoutMs: 5_000, maxRetryAfterMs: 0, ...overrides };
}

export function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
    return { ...DEFAULT_OPTIONS, limits: limits(), allowInsecureLoopback: true, graph: null, ...overrides };
}

/** Real time plus a virtual offset: pacing waits are recorded and skipped, and a test can jump ahead. */
export function virtualClock(): { clock: { now(): number; sleep(ms: number): Promise<void> }; sleeps: number[]; advance(ms: number): void } {
    let offset = 0;
    const sleeps: number[] = [];
    return {
        sleeps,
        advance: (ms) => {
            offset += ms;
        },
        clock: {
            now: () => Date.now() + offset,
            sleep: async (ms) => {
                sleeps.push(ms);
                offset += ms;
            },
        },
    };
}

/** One scimmy server for a test file: started once, reset (and well-behaved again) before each test. */
export function useScimServer(o: ScimServerOptions): { readonly server: ScimTestServer } {
    let server: ScimTestServer | undefined;
    beforeAll(async () => {
        server = await ScimTestServer.start(o);
    });
    afterAll(async () => {
        await server?.close();
    });
    beforeEach(() => {
        server!.misbehave({});
        server!.reset();
    });
    return {
        get server(): ScimTestServer {
            return server!;
        },
    };
}
