// X.509 certificates between Entra, config and Auth0's `options.signingCert`. Pure (node:crypto parses, nothing more).
// Auth0 wants base64 of the whole PEM text, BEGIN/END lines and line breaks included: what its dashboard stores.
// A raw PEM is accepted by the Management API, but then signature validation fails whenever a SAML response carries
// no embedded certificate (docs/signing-certificate.md gives the sources).
import { X509Certificate } from "node:crypto";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The forms `saml.signingCert` accepts, for error messages and docs. */
export const SIGNING_CERT_FORMS =
    "a PEM certificate (-----BEGIN CERTIFICATE----- ...), base64 of such a PEM (what Auth0's dashboard stores), or the certificate's base64 DER body (a .cer file's text)";

/**
 * A PEM as a file holds it: BEGIN line, the base64 body in 64-character lines, END line, each ending in a line break.
 * Takes azuread's token signing certificate `value` (the body alone) or a PEM.
 */
export function toPemCertificate(certificate: string): string {
    const body = certificate.replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, "").replace(/\s+/g, "");
    if (body === "" || !BASE64.test(body)) {
        throw new Error("signing certificate is not base64 (expected a PEM or its base64 body)");
    }
    const lines = body.match(/.{1,64}/g) ?? [];
    return `${["-----BEGIN CERTIFICATE-----", ...lines, "-----END CERTIFICATE-----"].join("\n")}\n`;
}

/** Auth0's `options.signingCert` for a PEM: base64 of the whole text. */
export function auth0SigningCert(pem: string): string {
    return Buffer.from(pem, "utf8").toString("base64");
}

/**
 * A signing certificate as config may give it (see SIGNING_CERT_FORMS), checked to be one X.509 certificate and
 * returned in Auth0's form; or why not. Problems never repeat the input: it may be a private key pasted by mistake.
 */
export function readSigningCertificate(text: string): { auth0SigningCert: string } | { problem: string } {
    const pem = pemText(text.trim());
    let body: string;
    if (pem !== undefined) {
        const blocks = [...pem.matchAll(PEM_BLOCK)];
        const certificates = blocks.filter((b) => b[1] === "CERTIFICATE");
        if (certificates.length === 0) {
            const kinds = blocks.map((b) => b[1]).join(", ");
            return { problem: kinds ? `holds a ${kinds}, not a certificate` : "has BEGIN/END lines but no complete CERTIFICATE block" };
        }
        if (certificates.length > 1) return { problem: `holds ${certificates.length} certificates; give only the one the IdP signs with` };
        body = certificates[0][2].replace(/\s+/g, "");
    } else {
        body = text.replace(/\s+/g, "");
    }
    if (!BASE64.test(body)) return { problem: "is not base64" };
    try {
        new X509Certificate(Buffer.from(body, "base64"));
    } catch {
        return { problem: "is not an X.509 certificate" };
    }
    return { auth0SigningCert: auth0SigningCert(toPemCertificate(body)) };
}

/** The PEM text of a PEM or of base64 of a PEM; undefined for anything else (a DER body, or garbage). */
function pemText(text: string): string | undefined {
    if (text.includes("-----BEGIN")) return text;
    const compact = text.replace(/\s+/g, "");
    if (!BASE64.test(compact)) return undefined;
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    return decoded.includes("-----BEGIN") ? decoded : undefined;
}
