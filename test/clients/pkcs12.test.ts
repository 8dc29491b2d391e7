// azuread's client certificate is a PKCS#12 bundle; @azure/identity reads PEM. The reader is checked against
// bundles openssl itself writes (its default PBES2/AES, the 3DES scheme, unencrypted, RC2 legacy), by the key
// matching the certificate and the thumbprint openssl reports.
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pkcs12Error, readPkcs12 } from "../../components/clients/credentials";

const dir = mkdtempSync(path.join(tmpdir(), "creds-pkcs12-"));
const key = path.join(dir, "key.pem");
const cert = path.join(dir, "cert.pem");
let sha1 = "";

function openssl(args: string[]): string {
    return execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 }).toString();
}

function bundle(name: string, password: string, extra: string[] = []): Buffer {
    const out = path.join(dir, `${name}.pfx`);
    openssl(["pkcs12", "-export", "-inkey", key, "-in", cert, "-out", out, "-passout", `pass:${password}`, ...extra]);
    return readFileSync(out);
}

beforeAll(() => {
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=pkcs12-test"]);
    sha1 = openssl(["x509", "-in", cert, "-noout", "-fingerprint", "-sha1"]).split("=")[1].trim().replace(/:/g, "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectMatches(pem: string): void {
    const c = new X509Certificate(pem);
    expect(c.checkPrivateKey(createPrivateKey(pem))).toBe(true);
    expect(c.fingerprint.replace(/:/g, "")).toBe(sha1);
}

describe("readPkcs12", () => {
    it("reads openssl's default bundle (PBES2, PBKDF2 + AES-256-CBC)", () => {
        const b = readPkcs12(bundle("aes", "p@ss wörd"), "p@ss wörd");
        expect(b.thumbprint).toBe(sha1);
        expectMatches(b.pem);
    });

    it("reads the pbeWithSHAAnd3-KeyTripleDES-CBC scheme (legacy keys, Windows exports)", () => {
        expectMatches(readPkcs12(bundle("des", "pw-3des", ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"]), "pw-3des").pem);
    });

    it("reads an unencrypted bundle without a password", () => {
        expectMatches(readPkcs12(bundle("plain", "", ["-certpbe", "NONE", "-keypbe", "NONE"])).pem);
    });

    it("says the password is wrong, for either scheme", () => {
        expect(() => readPkcs12(bundle("aes2", "right"), "wrong")).toThrow(/check the certificate password/);
        expect(() => readPkcs12(bundle("des2", "right", ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES"]), "wrong")).toThrow(Pkcs12Error);
    });

    it("reads a bundle whose certificates use RC2-40 (OpenSSL 1.x's default), which Node's own OpenSSL no longer has", () => {
        let legacy: Buffer;
        try {
            legacy = bundle("rc2", "pw", ["-legacy"]);
        } catch {
            // This openssl has no legacy provider: write the RC2 scheme explicitly.
            legacy = bundle("rc2", "pw", ["-certpbe", "PBE-SHA1-RC2-40"]);
        }
        expectMatches(readPkcs12(legacy, "pw").pem);
    });

    it("refuses PEM or base64 text given where the bundle's bytes belong", () => {
        expect(() => readPkcs12(readFileSync(cert))).toThrow(/not a PKCS#12 bundle/);
    });
});
