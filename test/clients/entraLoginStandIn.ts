// A local stand-in for the Microsoft identity platform's token endpoint (client credentials flow, v2.0), on
// 127.0.0.1: it answers MSAL's discovery and metadata requests and issues an access token only to the client
// credentials it was told to accept (a secret, or a client assertion whose JWT names the expected client and, for a
// certificate, carries the expected thumbprint). @azure/identity reaches it through `loginHttpClient`, which sends
// every request of the credential, whatever its host, to the stand-in and records the host it was meant for.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredentialOptions } from "@azure/identity";
import { createHttpHeaders } from "@azure/core-rest-pipeline";

export interface LoginRequest {
    /** The host the credential addressed, e.g. login.microsoftonline.us. */
    host: string;
    method: string;
    path: string;
    /** For token requests: what the stand-in made of the client's proof. */
    grant?: { clientId: string; tenant: string; scope: string; proof: "secret" | "assertion" | "none"; accepted: boolean; assertionX5t?: string };
}

export interface LoginStandInOptions {
    clientId: string;
    /** Accepted client secret. */
    clientSecret?: string;
    /** Accepted assertion: a raw token (federated ID token) or "any JWT for clientId" (certificate-signed). */
    assertion?: string | "signed-by-client";
    /** The access token issued. */
    accessToken: string;
    maxRequests?: number;
}

export interface LoginStandIn {
    requests: LoginRequest[];
    httpClient: NonNullable<TokenCredentialOptions["httpClient"]>;
    close(): Promise<void>;
}

function decodeJwtPart(part: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

export async function startLoginStandIn(options: LoginStandInOptions): Promise<LoginStandIn> {
    const requests: LoginRequest[] = [];
    const max = options.maxRequests ?? 50;
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c: Buffer) => {
            raw += c.toString("utf8");
        });
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://stand-in");
            const host = String(req.headers["x-intended-host"] ?? "");
            const record: LoginRequest = { host, method: req.method ?? "GET", path: url.pathname };
            requests.push(record);
            const send = (status: number, body: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(body));
            };
            if (requests.length > max) return send(503, { error: "temporarily_unavailable" });
            const base = `https://${host}`;
            if (url.pathname === "/common/discovery/instance") {
                return send(200, {
                    tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
                    "api-version": "1.1",
                    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
                });
            }
            const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
            if (meta) {
                const t = meta[1];
                return send(200, {
                    token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
                    authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
                    end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
                    issuer: `${base}/${t}/v2.0`,
                    jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
                    response_types_supported: ["code", "id_token", "token"],
                });
            }
            const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
            if (token && req.method === "POST") {
                const form = new URLSearchParams(raw);
                const clientId = form.get("client_id") ?? "";
                const secret = form.get("client_secret");
                const assertion = form.get("client_assertion");
                let accepted = false;
                let x5t: string | undefined;
                if (secret !== null) accepted = secret === options.clientSecret;
                if (assertion !== null) {
                    if (options.assertion === "signed-by-client") {
                        const [header, payload] = assertion.split(".");
                        const h = decodeJwtPart(header);
                        x5t = typeof h.x5t === "string" ? h.x5t : typeof h["x5t#S256"] === "string" ? String(h["x5t#S256"]) : undefined;
                        accepted = decodeJwtPart(payload).sub === options.clientId && x5t !== undefined;
                    } else {
                        accepted = assertion === options.assertion;
                    }
                }
                accepted = accepted && clientId === options.clientId;
                record.grant = {
                    clientId,
                    tenant: token[1],
                    scope: form.get("scope") ?? "",
                    proof: secret !== null ? "secret" : assertion !== null ? "assertion" : "none",
                    accepted,
                    ...(x5t ? { assertionX5t: x5t } : {}),
                };
                if (!accepted) return send(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
                return send(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: options.accessToken });
            }
            send(404, { error: "not_found" });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const httpClient: LoginStandIn["httpClient"] = {
        async sendRequest(request) {
            const target = new URL(request.url);
            const res = await fetch(`http://127.0.0.1:${port}${target.pathname}${target.search}`, {
                method: request.method,
                headers: { ...request.headers.toJSON(), "x-intended-host": target.host },
                body: typeof request.body === "string" ? request.body : undefined,
                signal: AbortSignal.timeout(5000),
            });
            const headers = createHttpHeaders();
            for (const [k, v] of res.headers) headers.set(k, v);
            return { request, status: res.status, headers, bodyAsText: await res.text() };
        },
    };
    return { requests, httpClient, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
