// Check 1: the endpoint is HTTPS, answers SCIM, takes the token and refuses a wrong one.
// The probe is the request Entra's "Test Connection" and validateCredentials send: a lookup of a random user.
import { filterEq } from "../dialect";
import { RATE_LIMIT_HINT, type RunContext, TEST_EMAIL_DOMAIN, TEST_PREFIX, describeFailure, genericHint, randomSuffix, result, send } from "./common";

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

export interface TransportVerdict {
    /** Whether any request may be sent at all (never the token over plain HTTP to a remote host). */
    allowed: boolean;
}

/** HTTPS, or plain HTTP to loopback when explicitly allowed (tests). Sends nothing. */
export function checkTransport(ctx: RunContext, scimUrl: string, allowInsecureLoopback: boolean): TransportVerdict {
    let url: URL;
    try {
        url = new URL(scimUrl);
    } catch {
        ctx.record(
            result("endpoint.https", "endpoint", "Endpoint uses HTTPS", "fail", `not a URL: ${scimUrl}`, {
                hint: "pass the connection's SCIM endpoint, e.g. https://TENANT.auth0.com/scim/v2/connections/con_...",
            }),
        );
        return { allowed: false };
    }
    if (url.protocol === "https:") {
        ctx.record(result("endpoint.https", "endpoint", "Endpoint uses HTTPS", "pass", `https://${url.host}`));
        return { allowed: true };
    }
    if (url.protocol === "http:" && LOOPBACK.has(url.hostname) && allowInsecureLoopback) {
        ctx.record(
            result(
                "endpoint.https",
                "endpoint",
                "Endpoint uses HTTPS",
                "pass",
                `plain HTTP to loopback ${url.host}, allowed by --allow-insecure-loopback (tests only; Entra requires HTTPS)`,
            ),
        );
        return { allowed: true };
    }
    ctx.record(
        result(
            "endpoint.https",
            "endpoint",
            "Endpoint uses HTTPS",
            "fail",
            `${url.protocol.replace(":", "")} URL: nothing was sent, the token would travel in clear text and Entra accepts only HTTPS`,
            {
                hint:
                    url.protocol === "http:" && LOOPBACK.has(url.hostname)
                        ? "for a local test server add --allow-insecure-loopback"
                        : "use the https:// SCIM endpoint Auth0 shows for the connection",
            },
        ),
    );
    return { allowed: false };
}

export interface EndpointVerdict {
    /** The token was accepted: the conversation can run. */
    usable: boolean;
    /** Why not, in a few words, for the checks that are skipped because of it. */
    why?: string;
}

export async function checkEndpoint(ctx: RunContext): Promise<EndpointVerdict> {
    const absent = `${TEST_PREFIX}${ctx.runId}-probe-${randomSuffix()}@${TEST_EMAIL_DOMAIN}`;
    const query = { filter: filterEq("userName", absent) };
    const probe = await send(ctx, "GET", "/Users", { query });

    if (!probe.ok) {
        ctx.record(
            result("endpoint.reachable", "endpoint", "Endpoint reachable", "fail", describeFailure(probe), {
                hint: genericHint(probe),
                evidence: [probe.line],
            }),
        );
        for (const [id, title] of [
            ["endpoint.content-type", "Answers application/scim+json"],
            ["endpoint.token-accepted", "Token accepted"],
            ["endpoint.wrong-token-refused", "Wrong token refused"],
        ]) {
            ctx.record(result(id, "endpoint", title, "skip", "the endpoint did not answer"));
        }
        return { usable: false, why: "the endpoint did not answer" };
    }
    ctx.record(result("endpoint.reachable", "endpoint", "Endpoint reachable", "pass", `answered HTTP ${probe.res.status}`, { evidence: [probe.line] }));

    const ct = probe.res.contentType.toLowerCase();
    if (ct.startsWith("application/scim+json")) {
        ctx.record(
            result("endpoint.content-type", "endpoint", "Answers application/scim+json", "pass", `Content-Type: ${probe.res.contentType}`, {
                evidence: [probe.line],
            }),
        );
    } else {
        ctx.record(
            result(
                "endpoint.content-type",
                "endpoint",
                "Answers application/scim+json",
                "fail",
                `Content-Type: ${probe.res.contentType || "(none)"}; a SCIM 2.0 service answers application/scim+json (RFC 7644 §3.1)`,
                {
                    hint: "the URL may point at something other than the connection's SCIM endpoint (a login page, a proxy, the Management API)",
                    evidence: [probe.line],
                },
            ),
        );
    }

    const status = probe.res.status;
    let usable = false;
    if (status >= 200 && status < 300) {
        usable = true;
        ctx.workedScopes.add("get:users");
        ctx.record(
            result("endpoint.token-accepted", "endpoint", "Token accepted", "pass", `the lookup Entra's Test Connection sends answered HTTP ${status}`, {
                evidence: [probe.line],
            }),
        );
    } else if (probe.res.rateLimited) {
        ctx.record(
            result("endpoint.token-accepted", "endpoint", "Token accepted", "fail", `not judged, ${describeFailure(probe)}`, {
                hint: RATE_LIMIT_HINT,
                evidence: [probe.line],
            }),
        );
    } else if (status === 401 || status === 403) {
        ctx.record(
            result("endpoint.token-accepted", "endpoint", "Token accepted", "fail", `the token was refused: ${describeFailure(probe)}`, {
                hint:
                    status === 403
                        ? "the token lacks get:users, or belongs to another connection"
                        : "the token is revoked, expired or belongs to another connection: run pulumi up to issue one, and make sure Entra holds the same token",
                evidence: [probe.line],
            }),
        );
    } else if (status === 404) {
        ctx.record(
            result("endpoint.token-accepted", "endpoint", "Token accepted", "fail", `no SCIM endpoint at this URL: ${describeFailure(probe)}`, {
                hint: "SCIM may be off for the connection, or the connection id in the URL is wrong",
                evidence: [probe.line],
            }),
        );
    } else {
        ctx.record(
            result("endpoint.token-accepted", "endpoint", "Token accepted", "fail", describeFailure(probe), {
                hint: genericHint(probe),
                evidence: [probe.line],
            }),
        );
    }

    const wrong = `tok_verify${randomSuffix()}.${randomSuffix()}${randomSuffix()}${randomSuffix()}`;
    const refused = await send(ctx, "GET", "/Users", { query, tokenOverride: wrong });
    if (refused.ok && refused.res.rateLimited) {
        ctx.record(
            result("endpoint.wrong-token-refused", "endpoint", "Wrong token refused", "skip", `not judged, ${describeFailure(refused)}`, {
                hint: RATE_LIMIT_HINT,
                evidence: [refused.line],
            }),
        );
    } else if (!refused.ok) {
        ctx.record(
            result("endpoint.wrong-token-refused", "endpoint", "Wrong token refused", "fail", describeFailure(refused), {
                hint: genericHint(refused),
                evidence: [refused.line],
            }),
        );
    } else if (refused.res.status === 401 || refused.res.status === 403) {
        ctx.record(
            result("endpoint.wrong-token-refused", "endpoint", "Wrong token refused", "pass", `a made-up token got HTTP ${refused.res.status}`, {
                evidence: [refused.line],
            }),
        );
    } else if (refused.res.status < 300) {
        ctx.record(
            result(
                "endpoint.wrong-token-refused",
                "endpoint",
                "Wrong token refused",
                "fail",
                `a made-up token was accepted (HTTP ${refused.res.status}): anyone could read and provision users`,
                {
                    hint: "the endpoint does not check bearer tokens; if this is not Auth0's endpoint, fix its authentication before giving Entra the URL",
                    evidence: [refused.line],
                },
            ),
        );
    } else {
        ctx.record(
            result(
                "endpoint.wrong-token-refused",
                "endpoint",
                "Wrong token refused",
                "fail",
                `a made-up token got ${describeFailure(refused)} instead of 401/403`,
                { evidence: [refused.line] },
            ),
        );
    }
    return { usable, ...(usable ? {} : { why: probe.res.rateLimited ? "the endpoint is rate limiting (HTTP 429)" : "the endpoint did not accept the token" }) };
}
