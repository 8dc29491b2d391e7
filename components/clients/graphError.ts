// What a failed Microsoft Graph call reports: the operation, HTTP status, Graph's error code and message, the
// request id support asks for, and on 403 the permission most likely missing.

export type HttpMethod = "GET" | "PUT" | "PATCH" | "POST" | "DELETE";

/** The error body Graph sends (https://learn.microsoft.com/graph/errors). */
export interface GraphErrorBody {
    error?: { code?: string; message?: string; innerError?: Record<string, string> };
}

/** A Graph call that failed: names the operation, the HTTP status, Graph's error code and message. */
export class GraphError extends Error {
    readonly operation: string;
    readonly method: HttpMethod;
    readonly path: string;
    /** HTTP status; 0 when no response arrived (timeout, network). */
    readonly status: number;
    readonly code?: string;
    readonly graphMessage?: string;
    readonly requestId?: string;
    /** For 403: the application permission (or role) that is likely missing. */
    readonly missingPermission?: string;

    constructor(args: {
        operation: string;
        method: HttpMethod;
        path: string;
        status: number;
        code?: string;
        graphMessage?: string;
        requestId?: string;
        attempts?: number;
        cause?: unknown;
    }) {
        const missingPermission = args.status === 403 ? permissionHint(args.method, args.path) : undefined;
        const parts = [`Microsoft Graph: ${args.operation} failed`];
        parts.push(args.status === 0 ? `(no response: ${String(args.graphMessage)})` : `(HTTP ${args.status} on ${args.method} ${args.path})`);
        let text = parts.join(" ");
        if (args.status !== 0 && (args.code || args.graphMessage)) text += `: ${args.code ?? "error"}: ${args.graphMessage ?? ""}`.trimEnd();
        if (missingPermission) text += `. The caller likely lacks ${missingPermission}.`;
        if (args.status === 401)
            text += ". The token was rejected: check the credential and its tenant (azuread:tenantId or ARM_TENANT_ID, or the connection's own tenant).";
        if (args.attempts && args.attempts > 1) text += ` (after ${args.attempts} attempts)`;
        if (args.requestId) text += ` [request-id ${args.requestId}]`;
        super(text, args.cause !== undefined ? { cause: args.cause } : undefined);
        this.name = "GraphError";
        this.operation = args.operation;
        this.method = args.method;
        this.path = args.path;
        this.status = args.status;
        this.code = args.code;
        this.graphMessage = args.graphMessage;
        this.requestId = args.requestId;
        this.missingPermission = missingPermission;
    }
}

/** The permission a 403 on this call most likely means is missing (application permissions; delegated callers need a role). */
export function permissionHint(method: HttpMethod, path: string): string {
    const p = path.split("?")[0];
    const delegated = "; a delegated caller needs the Application Administrator or Cloud Application Administrator role";
    if (/\/synchronization(\/|$)/i.test(p)) {
        return method === "GET"
            ? `Synchronization.Read.All or Synchronization.ReadWrite.All (application permission)${delegated}`
            : `Synchronization.ReadWrite.All (application permission)${delegated}`;
    }
    if (/^\/(servicePrincipals|applications)\//i.test(p)) {
        return method === "GET"
            ? `Application.Read.All (application permission)${delegated}`
            : `Application.ReadWrite.OwnedBy (the caller must own the app) or Application.ReadWrite.All (application permission)${delegated}`;
    }
    return "the Microsoft Graph permission this call requires";
}

/** True for a GraphError with HTTP 404. */
export function isNotFound(e: unknown): boolean {
    return e instanceof GraphError && e.status === 404;
}
