// Deterministic stack configs of any size for the benchmark: a realistic mix of managed Entra connections
// (users and groups assigned, some with groups provisioned, token lifetimes, extra mappings) and a few
// Auth0-only ones, spread over several Entra tenants. Pure: no Pulumi runtime, no I/O.
import { createHash } from "node:crypto";
import type { RawStackConfig } from "../../components/config";

export interface GeneratedStack {
    /** What parseStackConfig takes. */
    raw: RawStackConfig;
    /** The same values as full Pulumi config keys, as `simulate({ config })` and `pulumi config` take them. */
    pulumiConfig: Record<string, unknown>;
    expected: {
        connections: number;
        managed: number;
        auth0Only: number;
        /** Distinct Entra tenants of managed connections (the stack's own included). */
        tenants: number;
        /** Tenants named at connection level (each gets its own azuread provider). */
        connectionTenants: number;
        userAssignments: number;
        groupAssignments: number;
    };
}

/** A GUID derived from a seed, so a config generated twice is the same. */
export function seededGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Every tenth connection is Auth0-only (the customer's admin configures Entra). */
export function isAuth0Only(i: number): boolean {
    return i % 10 === 9;
}

/** One tenant per 20 connections, between 1 and 10; tenant 0 is the stack's `azuread:tenantId`. */
export function tenantCount(connections: number): number {
    return Math.min(10, Math.max(1, Math.ceil(connections / 20)));
}

/** A real self-signed certificate's base64 DER body (the config checks it is an X.509 certificate). */
const BENCH_SIGNING_CERT =
    "MIIDUTCCAjmgAwIBAgIUHHmFyjXiwkAlLg7Wv0aXN/7hBtkwDQYJKoZIhvcNAQELBQAwODE2MDQGA1UEAwwtaWRwLmZhYnJpa2FtLmV4YW1wbGUgdGVzdCBzaWduaW5nIGNlcnRpZmljYXRlMB4XDTI2MTEyOTExMTIxOFoXDTM2MTEyNjExMTIxOFowODE2MDQGA1UEAwwtaWRwLmZhYnJpa2FtLmV4YW1wbGUgdGVzdCBzaWduaW5nIGNlcnRpZmljYXRlMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkWZivDNUPQz/lpOqHmcAFK9FGl60amiaYoDO1lWjCPBCOjiRGtdvEP6rkyGsonYOGKZhfAfS073iU+IjegQAzAa4laNTeOLfET2Wz0lVXyEyonbWIq/hXQ60DQVvU/G3FZOtjpYkwK+80WW1Y9GVEJhQ8di+L0AnPfAMrZo7CiVa2E7dh7UxZCTYAppbcdpwaZKhz9fzGQJKk6Hz8aWTrmzsyvkZlSY7T9AUM1L0+LJHhutgrkNgFsGTe6RH3se+1FHfVFrCoJJHYFfxOCD1IlmtFk+0brR+ru8ozYos/8wlQ+IvZBdMxtVYl0ctlwe0X00wC6EYGHdiq7H0Y2eOpQIDAQABo1MwUTAdBgNVHQ4EFgQUFvqKmIaS8nLYwbD8uFSh6nQY+/wwHwYDVR0jBBgwFoAUFvqKmIaS8nLYwbD8uFSh6nQY+/wwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAZYmfBfKuYT5uSXg7P+22N01IdrB5wDQtJaCBiIXfS0CCaQtcJOC+pvoS73bCb32xln/Vb0tjM8oc6nqOzIK357xWv/oHEqtsEFK4hQRamRUQSwNsfoZgfReOS0Eyjh0J3G1XeS48D77irT+n/0x9cyZ4bgLVd9uRcqLpy9OkvkE5q0cDpYtZYkx/mQ6YL18tFb9BQ7ve+Pz3l+eIs6ZyVeR4zs5Hr6eRWqyLhVM4i69OtcaRicGiAAt8ESH+BtDbS0d77AOI2wCP5dnHk7lJq1orppWoHUG4zQoDfAGi4feA4r+NTkJVYa4o0XAfBdkuYIistBWb96oSwYGBaCSjyg==";

export const STACK_AUTH0_DOMAIN = "bench-vendor.eu.auth0.com";

export function generateStackConfig(connections: number): GeneratedStack {
    if (!Number.isInteger(connections) || connections < 1) throw new Error(`connections must be a positive integer; got ${connections}`);
    const tenants = Array.from({ length: tenantCount(connections) }, (_, t) => seededGuid(`tenant/${t}`));
    const list: Record<string, unknown>[] = [];
    const usedTenants = new Set<string>();
    let managed = 0;
    let userAssignments = 0;
    let groupAssignments = 0;
    for (let i = 0; i < connections; i++) {
        const name = `customer-${String(i).padStart(4, "0")}`;
        const customer = `Customer ${i}`;
        const domain = `customer${i}.example`;
        if (isAuth0Only(i)) {
            // Half by metadata URL, half by endpoint and certificate: both shapes the contract accepts.
            const saml =
                i % 20 === 9
                    ? {
                          metadataUrl: `https://login.microsoftonline.com/${seededGuid(`foreign/${i}`)}/federationmetadata/2007-06/federationmetadata.xml?appid=${seededGuid(`foreign-app/${i}`)}`,
                      }
                    : { signInEndpoint: `https://idp.${domain}/saml2`, signingCert: BENCH_SIGNING_CERT };
            list.push({ name, displayName: customer, domainAliases: [domain], saml });
            continue;
        }
        // Round-robin over managed connections only, so every tenant gets some.
        const t = managed % tenants.length;
        managed++;
        usedTenants.add(tenants[t]);
        const users = Array.from({ length: 2 + (i % 3) }, (_, u) => seededGuid(`user/${i}/${u}`));
        const groups = Array.from({ length: 1 + (i % 2) }, (_, g) => seededGuid(`group/${i}/${g}`));
        userAssignments += users.length;
        groupAssignments += groups.length;
        const provisionGroups = i % 3 !== 2;
        const entra: Record<string, unknown> = {
            appName: `Auth0 - ${customer}`,
            ...(t === 0 ? {} : { tenantId: tenants[t] }),
            assignments: { users, groups },
            provisionGroups,
            provisioningEnabled: i % 7 !== 6,
            notificationEmails: [`identity-ops@${domain}`],
            ...(i % 4 === 0 ? { deletionThreshold: 250 } : {}),
            ...(i % 5 === 0
                ? {
                      attributeMappings: [
                          { targetAttributeName: "title", source: "jobTitle" },
                          { targetAttributeName: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.department", source: "department" },
                      ],
                  }
                : {}),
            ...(i % 6 === 0 ? { provisionOnDemand: { users: [users[0]] } } : {}),
        };
        list.push({
            name,
            displayName: customer,
            domainAliases: [domain],
            scim: {
                ...(i % 5 === 0 ? { mappings: [{ scim: "title", auth0: "app_metadata.job_title" }] } : {}),
                ...(i % 2 === 0 ? { tokenLifetimeDays: 180, tokenRotationDays: 150 } : {}),
            },
            entra,
        });
    }
    const raw: RawStackConfig = { auth0Domain: STACK_AUTH0_DOMAIN, entraTenantId: tenants[0], connections: list };
    return {
        raw,
        pulumiConfig: {
            "auth0:domain": raw.auth0Domain,
            "azuread:tenantId": raw.entraTenantId,
            "auth0-entra-scim:connections": list,
        },
        expected: {
            connections,
            managed,
            auth0Only: connections - managed,
            tenants: usedTenants.size,
            connectionTenants: [...usedTenants].filter((id) => id !== tenants[0]).length,
            userAssignments,
            groupAssignments,
        },
    };
}
