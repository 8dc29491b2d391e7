// `connections[].saml`: the customer's own IdP, for an Auth0-only connection (no `entra` block).
import { SIGNING_CERT_FORMS, readSigningCertificate } from "../helpers/certificates";
import { type Raw, type Reader, isMissing, join, knownKeys } from "./reader";

/** `connections[].saml` as written in config: `metadataUrl`, or `signInEndpoint` + `signingCert`. */
export interface SamlConfig {
    /** The IdP's federation metadata URL (https). */
    metadataUrl?: string;
    /** The IdP's SAML sign-in URL (https). */
    signInEndpoint?: string;
    /** The IdP's SAML sign-out URL (https). Default: signInEndpoint. */
    signOutEndpoint?: string;
    /**
     * The IdP's signing certificate: a PEM, base64 of a PEM (what Auth0's dashboard stores), or the base64 DER body
     * (a .cer file's text). Checked to be one X.509 certificate; Auth0 is sent base64 of its PEM.
     */
    signingCert?: string;
}

/** SamlConfig checked; `signingCert` in Auth0's form (base64 of the whole PEM text). */
export type SamlSettings = SamlConfig;

export const SAML_KEYS = knownKeys<SamlConfig>({ metadataUrl: true, signInEndpoint: true, signOutEndpoint: true, signingCert: true });

/** `required`: the connection has no entra block, so Auth0 needs these to reach the IdP. */
export function readSaml(r: Reader, raw: Raw<SamlConfig> | undefined, path: string, required: boolean): SamlSettings | undefined {
    if (!raw) {
        if (required) {
            r.fail(
                path,
                "an Auth0-only connection (no entra block) needs the IdP's SAML settings: saml.metadataUrl, or saml.signInEndpoint and saml.signingCert (or selfService: {} to let the customer's admin set them).",
            );
        }
        return undefined;
    }
    r.keys(raw, path, SAML_KEYS);
    const metadataUrl = r.httpsUrl(raw.metadataUrl, join(path, "metadataUrl"), "the IdP's federation metadata URL");
    const signInEndpoint = r.httpsUrl(raw.signInEndpoint, join(path, "signInEndpoint"), "the IdP's SAML sign-in URL");
    const signOutEndpoint = r.httpsUrl(raw.signOutEndpoint, join(path, "signOutEndpoint"), "the IdP's SAML sign-out URL");
    const signingCert = readSigningCert(r, raw.signingCert, join(path, "signingCert"));
    if (required) {
        if (!isMissing(raw.metadataUrl) && (!isMissing(raw.signInEndpoint) || !isMissing(raw.signingCert))) {
            r.fail(path, "set either metadataUrl or signInEndpoint + signingCert, not both (Auth0 takes one or the other).");
        } else if (isMissing(raw.metadataUrl)) {
            if (signInEndpoint === undefined && isMissing(raw.signInEndpoint)) r.fail(join(path, "signInEndpoint"), "is required without saml.metadataUrl.");
            if (signingCert === undefined && isMissing(raw.signingCert)) r.fail(join(path, "signingCert"), "is required without saml.metadataUrl.");
        }
    }
    return { metadataUrl, signInEndpoint, signOutEndpoint, signingCert };
}

function readSigningCert(r: Reader, v: unknown, path: string): string | undefined {
    const text = r.string(v, path, "the IdP signing certificate, PEM or base64");
    if (text === undefined) return undefined;
    const read = readSigningCertificate(text);
    if ("problem" in read) return r.fail(path, `${read.problem}. Give ${SIGNING_CERT_FORMS}.`);
    return read.auth0SigningCert;
}
