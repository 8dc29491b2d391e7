// A local stand-in for the parts of Auth0's Management API that inbound SCIM uses, on 127.0.0.1 over http.
// Shapes follow the recorded bodies in ../shared/fixtures/auth0-*.json and ../shared/reference/auth0-scim.md:
// token ids `tok_` + 16 characters, token values `<token_id>.<64 hex>`, `valid_until` only when a lifetime
// was asked for, at most two tokens per connection (409 with Auth0's message), error bodies
// {statusCode, error, message[, errorCode]}. It also answers the client-credentials grant, and the SCIM
// endpoint's bearer check, so a test can ask "would Entra's token still work now?".
// Bounded: it refuses (503) after `maxRequests`, and `close()` ends every open connection.
// B2B onboarding: GET /connections/{id}, self-service profiles and their sso-ticket POST (bodies checked against the
// auth0 SDK's CreateSelfServiceProfileSsoTicketRequestContent), and Management API scopes per access token
// (403 insufficient_scope, in Auth0's words, when a route's scope is missing).
import * as http from "node:http";
import type { Management } from "auth0";
import type { AddressInfo } from "node:net";
import { type KeyObject, randomBytes, verify } from "node:crypto";

export interface StandInToken {
    token_id: string;
    /** The value: returned once by POST, never by GET. */
    token: string;
    scopes: string[];
    created_at: string;
    valid_until?: string;
    last_used_at?: string;
}

export interface ScimConfiguration {
    connection_id: string;
    connection_name: string;
    strategy: string;
    tenant_name: string;
    user_id_attribute: string;
    mapping: { scim: string; auth0: string }[];
    created_at: string;
    updated_on: string;
}

export interface StandInConnection {
    id: string;
    name: string;
    strategy: string;
    /** What GET /connections/{id} answers as options (e.g. what an admin set in the self-service flow). */
    options: Record<string, unknown>;
    scimConfiguration?: ScimConfiguration;
    tokens: StandInToken[];
    /** The most tokens this connection ever held at once. */
    maxTokensHeld: number;
}

export interface RecordedRequest {
    seq: number;
    method: string;
    /** Path without the query string, e.g. /api/v2/connections/con_x/scim-configuration/tokens. */
    path: string;
    status: number;
    /** Parsed JSON (or form) body of the request; `client_secret` is replaced with "[redacted]". */
    body?: unknown;
    /** A step the test performed between API calls (see `note`). */
    note?: string;
}

export interface Injection {
    method?: string;
    /** Matches the request path (without query). */
    path: RegExp;
    status: number;
    /** How many matching requests get this answer; default 1. */
    times?: number;
    headers?: Record<string, string>;
    body?: unknown;
}

export interface StandInOptions {
    tenantName?: string;
    /** Accepted static Management API token (AUTH0_API_TOKEN). */
    apiToken?: string;
    /** Accepted client credentials (AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET). */
    clientId?: string;
    clientSecret?: string;
    /** Accepts a private_key_jwt client assertion (RS256) from clientId, signed by this key's private half, for `audience`. */
    clientAssertion?: { publicKey: KeyObject; audience: string };
    /** Expected `audience` of the client-credentials grant, e.g. https://acme.eu.auth0.com/api/v2/ */
    audience?: string;
    /** The stand-in's clock (created_at, valid_until, expiry checks). Default: the real clock. */
    now?: () => Date;
    maxRequests?: number;
    /** Token limit per connection; Auth0's is 2. */
    maxTokens?: number;
    /** Management API scopes of every access token; default all the routes here need. */
    scopes?: readonly string[];
}

/** A ticket the stand-in issued: the profile, the request body as sent, and the link it answered. */
export interface StandInTicket {
    profileId: string;
    body: Management.CreateSelfServiceProfileSsoTicketRequestContent;
    link: string;
}

export interface Auth0StandIn {
    /** Origin, e.g. http://127.0.0.1:53211 (the Management API is under /api/v2). */
    url: string;
    requests: RecordedRequest[];
    connections: Map<string, StandInConnection>;
    /** Every token value ever issued (for "never printed" checks). */
    issuedValues: string[];
    addConnection(id: string, opts?: { name?: string; strategy?: string; scim?: boolean; options?: Record<string, unknown> }): StandInConnection;
    /** Seeds a self-service profile (as `pulumi up` would have made it). */
    addProfile(id: string, profile?: Management.SelfServiceProfile): void;
    /** Tickets issued so far. */
    tickets: StandInTicket[];
    /** Seeds a token as if made earlier (e.g. by hand in the dashboard); returns it with its value. */
    addToken(connectionId: string, t?: Partial<StandInToken> & { lifetimeSeconds?: number }): StandInToken;
    tokens(connectionId: string): StandInToken[];
    /** Deletes a token as a dashboard user would, without recording an API call. */
    dashboardDelete(connectionId: string, tokenId: string): void;
    inject(i: Injection): void;
    /** Appends a step of the test (e.g. "entra: synchronization secret updated") to `requests`, in order. */
    note(text: string): void;
    /** Would this bearer value pass Auth0's SCIM endpoint for the connection right now? */
    scimTokenWorks(connectionId: string, value: string): boolean;
    close(): Promise<void>;
}

/** The scope each Management API route needs (Auth0's API explorer lists them per endpoint). */
const ROUTE_SCOPES: { method: string; path: RegExp; scope: string }[] = [
    { method: "POST", path: /^\/api\/v2\/self-service-profiles\/[^/]+\/sso-ticket$/, scope: "create:sso_access_tickets" },
    { method: "GET", path: /^\/api\/v2\/connections\/[^/]+$/, scope: "read:connections" },
    { method: "GET", path: /\/scim-configuration\/tokens$/, scope: "read:scim_token" },
    { method: "POST", path: /\/scim-configuration\/tokens$/, scope: "create:scim_token" },
    { method: "DELETE", path: /\/scim-configuration\/tokens\/[^/]+$/, scope: "delete:scim_token" },
    { method: "GET", path: /\/scim-configuration(\/default-mapping)?$/, scope: "read:scim_config" },
];
export const ALL_STAND_IN_SCOPES = [...new Set([...ROUTE_SCOPES.map((r) => r.scope), "create:scim_config", "update:scim_config", "delete:scim_config"])];

// Every key of the SDK's request type: tsc fails here when the SDK adds or drops one.
const TICKET_KEYS: Record<keyof Management.CreateSelfServiceProfileSsoTicketRequestContent, true> = {
    connection_id: true,
    connection_config: true,
    enabled_clients: true,
    enabled_organizations: true,
    ttl_sec: true,
    domain_aliases_config: true,
    provisioning_config: true,
    use_for_organization_discovery: true,
    third_party_client_access_config: true,
    enabled_features: true,
};

/** Auth0's checks on an sso-ticket body, as its docs state them; undefined when it is acceptable. */
function ticketProblem(b: Record<string, unknown>): string | undefined {
    const unknown = Object.keys(b).filter((k) => !(k in TICKET_KEYS));
    if (unknown.length > 0) return `Payload validation error: 'Additional properties not allowed: ${unknown.join(",")}'.`;
    if (b.connection_id !== undefined && b.connection_config !== undefined)
        return "Payload validation error: 'connection_id and connection_config cannot be used together'.";
    const ttl = b.ttl_sec;
    if (ttl !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > 432000))
        return "Payload validation error: 'ttl_sec' must be between 0 and 432000.";
    const prov = b.provisioning_config as Record<string, unknown> | undefined;
    const features = b.enabled_features as Record<string, unknown> | undefined;
    if (features?.provisioning === true && !prov)
        return "Payload validation error: 'provisioning_config is required when enabled_features.provisioning is true'.";
    if (prov?.scopes !== undefined && (!Array.isArray(prov.scopes) || prov.scopes.length === 0 || prov.scopes.some((x) => !KNOWN_SCOPES.has(x as string)))) {
        return "Payload validation error: 'Invalid provisioning_config.scopes'.";
    }
    const lifetime = prov?.token_lifetime;
    if (lifetime !== undefined && lifetime !== null && (typeof lifetime !== "number" || lifetime <= 900))
        return "Payload validation error: 'token_lifetime' must be greater than 900.";
    return undefined;
}

const MAX_TOKENS_MESSAGE = (n: number) => `Maximum of ${n} tokens already issued for this connection`;
const KNOWN_SCOPES = new Set([
    "get:users",
    "post:users",
    "put:users",
    "patch:users",
    "delete:users",
    "get:groups",
    "post:groups",
    "put:groups",
    "patch:groups",
    "delete:groups",
]);

function randomId(n: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = randomBytes(n);
    return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

function errorBody(statusCode: number, error: string, message: string, errorCode?: string): Record<string, unknown> {
    return { statusCode, error, message, ...(errorCode ? { errorCode } : {}) };
}

function listed(t: StandInToken): Omit<StandInToken, "token"> {
    const { token: _value, ...rest } = t;
    return rest;
}

export async function startAuth0StandIn(options: StandInOptions = {}): Promise<Auth0StandIn> {
    const now = options.now ?? (() => new Date());
    const maxRequests = options.maxRequests ?? 500;
    const maxTokens = options.maxTokens ?? 2;
    const tenantName = options.tenantName ?? "acme";
    const connections = new Map<string, StandInConnection>();
    const requests: RecordedRequest[] = [];
    const injections: Injection[] = [];
    const accessTokens = new Set<string>(options.apiToken ? [options.apiToken] : []);
    const grantedScopes = new Set(options.scopes ?? ALL_STAND_IN_SCOPES);
    const profiles = new Map<string, Management.SelfServiceProfile>();
    const tickets: StandInTicket[] = [];
    const issuedValues: string[] = [];
    let seq = 0;

    const addConnection: Auth0StandIn["addConnection"] = (id, opts = {}) => {
        const stamp = now().toISOString();
        const c: StandInConnection = {
            id,
            name: opts.name ?? `conn-${id.slice(4, 10)}`,
            strategy: opts.strategy ?? "samlp",
            options: opts.options ?? {},
            tokens: [],
            maxTokensHeld: 0,
        };
        if (opts.scim ?? true) {
            c.scimConfiguration = {
                connection_id: id,
                connection_name: c.name,
                strategy: c.strategy,
                tenant_name: tenantName,
                user_id_attribute: "userName",
                mapping: [{ scim: "userName", auth0: "username" }],
                created_at: stamp,
                updated_on: stamp,
            };
        }
        connections.set(id, c);
        return c;
    };

    const issue = (c: StandInConnection, scopes: string[], lifetimeSeconds?: number, createdAt?: string): StandInToken => {
        const id = `tok_${randomId(16)}`;
        const created = createdAt ?? now().toISOString();
        const t: StandInToken = {
            token_id: id,
            token: `${id}.${randomBytes(32).toString("hex")}`,
            scopes,
            created_at: created,
            ...(lifetimeSeconds !== undefined ? { valid_until: new Date(Date.parse(created) + lifetimeSeconds * 1000).toISOString() } : {}),
        };
        c.tokens.push(t);
        issuedValues.push(t.token);
        c.maxTokensHeld = Math.max(c.maxTokensHeld, c.tokens.length);
        return t;
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            const path = (req.url ?? "/").split("?")[0];
            const method = req.method ?? "GET";
            let body: unknown;
            const type = req.headers["content-type"] ?? "";
            if (raw !== "") {
                if (type.includes("application/x-www-form-urlencoded")) {
                    body = Object.fromEntries(new URLSearchParams(raw));
                } else {
                    try {
                        body = JSON.parse(raw);
                    } catch {
                        body = raw;
                    }
                }
            }
            const record: RecordedRequest = { seq: ++seq, method, path, status: 0 };
            if (body !== undefined) {
                record.body =
                    body && typeof body === "object" && "client_secret" in (body as object) ? { ...(body as object), client_secret: "[redacted]" } : body;
            }
            requests.push(record);
            const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
                record.status = status;
                const text = payload === undefined ? "" : JSON.stringify(payload);
                res.writeHead(status, { ...(text ? { "content-type": "application/json; charset=utf-8" } : {}), ...headers });
                res.end(text);
            };
            if (seq > maxRequests) return send(503, errorBody(503, "Service Unavailable", `stand-in request limit (${maxRequests}) reached`));
            const inj = injections.find((i) => (!i.method || i.method === method) && i.path.test(path) && (i.times ?? 1) > 0);
            if (inj) {
                inj.times = (inj.times ?? 1) - 1;
                return send(inj.status, inj.body ?? errorBody(inj.status, http.STATUS_CODES[inj.status] ?? "Error", "injected"), inj.headers);
            }
            route(method, path, body, req.headers.authorization, send);
        });
    });

    type Send = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

    function route(method: string, path: string, body: unknown, authorization: string | undefined, send: Send): void {
        if (method === "POST" && path === "/oauth/token") return oauthToken(body, send);
        const scim = /^\/scim\/v2\/connections\/([^/]+)\/Users$/.exec(path);
        if (scim) {
            const value = (authorization ?? "").replace(/^Bearer /, "");
            if (!scimTokenWorks(decodeURIComponent(scim[1]), value))
                return send(401, { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401", detail: "Unauthorized" });
            return send(200, {
                schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                totalResults: 0,
                startIndex: 1,
                itemsPerPage: 0,
                Resources: [],
            });
        }
        const bearer = (authorization ?? "").replace(/^Bearer /, "");
        if (path.startsWith("/api/v2/") && !accessTokens.has(bearer)) {
            return send(401, { ...errorBody(401, "Unauthorized", "Invalid token"), attributes: { error: "Invalid token" } });
        }
        const needed = ROUTE_SCOPES.find((r) => r.method === method && r.path.test(path))?.scope;
        if (needed && !grantedScopes.has(needed))
            return send(403, errorBody(403, "Forbidden", `Insufficient scope, expected any of: ${needed}`, "insufficient_scope"));
        const ticket = /^\/api\/v2\/self-service-profiles\/([^/]+)\/sso-ticket$/.exec(path);
        if (ticket && method === "POST") return createTicket(decodeURIComponent(ticket[1]), body, send);
        const conn = /^\/api\/v2\/connections\/([^/]+)$/.exec(path);
        if (conn && method === "GET") {
            const c = connections.get(decodeURIComponent(conn[1]));
            if (!c) return send(404, errorBody(404, "Not Found", "The connection does not exist", "inexistent_connection"));
            return send(200, { id: c.id, name: c.name, strategy: c.strategy, options: c.options, enabled_clients: [], realms: [c.name] });
        }
        const m = /^\/api\/v2\/connections\/([^/]+)\/scim-configuration(\/default-mapping|\/tokens(?:\/([^/]+))?)?$/.exec(path);
        if (!m) return send(404, errorBody(404, "Not Found", "Not Found"));
        const c = connections.get(decodeURIComponent(m[1]));
        if (!c) return send(404, errorBody(404, "Not Found", "The connection does not exist", "inexistent_connection"));
        const sub = m[2] ?? "";
        if (sub === "") return scimConfiguration(c, method, body, send);
        if (!c.scimConfiguration) return send(404, errorBody(404, "Not Found", "Not Found"));
        if (sub === "/default-mapping") {
            return method === "GET"
                ? send(200, { mapping: c.scimConfiguration.mapping })
                : send(405, errorBody(405, "Method Not Allowed", "Method Not Allowed"));
        }
        const tokenId = m[3] ? decodeURIComponent(m[3]) : undefined;
        if (tokenId === undefined && method === "GET") return send(200, c.tokens.map(listed));
        if (tokenId === undefined && method === "POST") return createToken(c, body, send);
        if (tokenId !== undefined && method === "DELETE") {
            const i = c.tokens.findIndex((t) => t.token_id === tokenId);
            if (i < 0) return send(404, errorBody(404, "Not Found", "Not Found"));
            c.tokens.splice(i, 1);
            return send(204);
        }
        return send(405, errorBody(405, "Method Not Allowed", "Method Not Allowed"));
    }

    function oauthToken(body: unknown, send: Send): void {
        const b = (body ?? {}) as Record<string, string>;
        if (b.grant_type !== "client_credentials") return send(400, { error: "unsupported_grant_type", error_description: "Unsupported grant type" });
        const signedIn = b.client_assertion_type ? validAssertion(b) : b.client_secret === options.clientSecret;
        if (!options.clientId || b.client_id !== options.clientId || !signedIn) {
            return send(401, { error: "access_denied", error_description: "Unauthorized" });
        }
        if (options.audience && b.audience !== options.audience) {
            return send(403, { error: "access_denied", error_description: `Service not found: ${b.audience}` });
        }
        const access = `at_${randomId(24)}`;
        accessTokens.add(access);
        send(200, { access_token: access, token_type: "Bearer", expires_in: 86400, scope: [...grantedScopes].join(" ") });
    }

    /** An RS256 JWT from clientId (iss = sub), for the configured audience, unexpired, signed by the configured key. */
    function validAssertion(b: Record<string, string>): boolean {
        const expected = options.clientAssertion;
        const [header, payload, signature] = (b.client_assertion ?? "").split(".");
        if (!expected || b.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !signature) return false;
        const part = (text: string) => JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<string, unknown>;
        const claims = part(payload);
        const signed = verify("sha256", Buffer.from(`${header}.${payload}`), expected.publicKey, Buffer.from(signature, "base64url"));
        const now = (options.now?.() ?? new Date()).getTime() / 1000;
        return (
            part(header).alg === "RS256" &&
            signed &&
            claims.iss === b.client_id &&
            claims.sub === b.client_id &&
            claims.aud === expected.audience &&
            Number(claims.exp) > now
        );
    }

    function createTicket(profileId: string, body: unknown, send: Send): void {
        if (!profiles.has(profileId)) return send(404, errorBody(404, "Not Found", "Self-service profile not found", "self_service_profile_not_found"));
        const b = (body ?? {}) as Record<string, unknown>;
        const problem = ticketProblem(b);
        if (problem) return send(400, errorBody(400, "Bad Request", problem, "invalid_body"));
        if (typeof b.connection_id === "string" && !connections.has(b.connection_id)) {
            return send(404, errorBody(404, "Not Found", "The connection does not exist", "inexistent_connection"));
        }
        const link = `https://${tenantName}.stand-in.invalid/self-service/connections-flow?ticket=${randomId(32)}`;
        tickets.push({ profileId, body: b as Management.CreateSelfServiceProfileSsoTicketRequestContent, link });
        send(201, { ticket: link });
    }

    function createToken(c: StandInConnection, body: unknown, send: Send): void {
        const b = (body ?? {}) as { scopes?: unknown; token_lifetime?: unknown };
        if (b.scopes !== undefined && (!Array.isArray(b.scopes) || b.scopes.some((s) => typeof s !== "string" || !KNOWN_SCOPES.has(s)))) {
            return send(400, errorBody(400, "Bad Request", "Payload validation error: 'Invalid scopes'.", "invalid_body"));
        }
        const lifetime = b.token_lifetime;
        if (lifetime !== undefined && lifetime !== null && (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime <= 900)) {
            return send(400, errorBody(400, "Bad Request", "Payload validation error: 'token_lifetime' must be greater than 900.", "invalid_body"));
        }
        if (c.tokens.length >= maxTokens) return send(409, errorBody(409, "Conflict", MAX_TOKENS_MESSAGE(maxTokens)));
        const t = issue(c, (b.scopes as string[] | undefined) ?? [], typeof lifetime === "number" ? lifetime : undefined);
        send(201, {
            token_id: t.token_id,
            token: t.token,
            scopes: t.scopes,
            created_at: t.created_at,
            ...(t.valid_until ? { valid_until: t.valid_until } : {}),
        });
    }

    function scimConfiguration(c: StandInConnection, method: string, body: unknown, send: Send): void {
        const b = (body ?? {}) as { user_id_attribute?: string; mapping?: ScimConfiguration["mapping"] };
        const stamp = now().toISOString();
        switch (method) {
            case "GET":
                return c.scimConfiguration ? send(200, c.scimConfiguration) : send(404, errorBody(404, "Not Found", "Not Found"));
            case "POST":
                if (c.scimConfiguration) return send(400, errorBody(400, "Bad Request", "SCIM configuration already exists for this connection"));
                c.scimConfiguration = {
                    connection_id: c.id,
                    connection_name: c.name,
                    strategy: c.strategy,
                    tenant_name: tenantName,
                    user_id_attribute: b.user_id_attribute ?? "userName",
                    mapping: b.mapping ?? [{ scim: "userName", auth0: "username" }],
                    created_at: stamp,
                    updated_on: stamp,
                };
                return send(201, c.scimConfiguration);
            case "PATCH":
                if (!c.scimConfiguration) return send(404, errorBody(404, "Not Found", "Not Found"));
                if (b.user_id_attribute === undefined || b.mapping === undefined) {
                    return send(
                        400,
                        errorBody(400, "Bad Request", "Payload validation error: 'Missing required property: user_id_attribute, mapping'.", "invalid_body"),
                    );
                }
                c.scimConfiguration = { ...c.scimConfiguration, user_id_attribute: b.user_id_attribute, mapping: b.mapping, updated_on: stamp };
                return send(200, c.scimConfiguration);
            case "DELETE":
                if (!c.scimConfiguration) return send(404, errorBody(404, "Not Found", "Not Found"));
                c.scimConfiguration = undefined;
                return send(204);
            default:
                return send(405, errorBody(405, "Method Not Allowed", "Method Not Allowed"));
        }
    }

    function scimTokenWorks(connectionId: string, value: string): boolean {
        const c = connections.get(connectionId);
        const t = c?.tokens.find((x) => x.token === value);
        if (!t) return false;
        return t.valid_until === undefined || now().getTime() < Date.parse(t.valid_until);
    }

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;

    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        connections,
        issuedValues,
        addConnection,
        addProfile(id, profile = {}) {
            profiles.set(id, { ...profile, id });
        },
        tickets,
        addToken(connectionId, t = {}) {
            const c = connections.get(connectionId) ?? addConnection(connectionId);
            const made = issue(c, t.scopes ?? ["get:users", "post:users", "patch:users", "delete:users"], t.lifetimeSeconds, t.created_at);
            if (t.token_id) {
                made.token_id = t.token_id;
                made.token = `${t.token_id}.${made.token.split(".")[1]}`;
                issuedValues.push(made.token);
            }
            if (t.last_used_at) made.last_used_at = t.last_used_at;
            return made;
        },
        tokens: (connectionId) => [...(connections.get(connectionId)?.tokens ?? [])],
        dashboardDelete(connectionId, tokenId) {
            const c = connections.get(connectionId);
            if (c) c.tokens = c.tokens.filter((t) => t.token_id !== tokenId);
        },
        inject: (i) => {
            injections.push({ ...i });
        },
        note(text) {
            requests.push({ seq: ++seq, method: "NOTE", path: "", status: 0, note: text });
        },
        scimTokenWorks,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
