// Reads the PKCS#12 (.pfx) bundle the azuread provider takes as its client certificate, into the PEM key and
// certificate @azure/identity's ClientCertificateCredential wants (it reads PEM only). Node has no PKCS#12 reader;
// node-forge's is the well-kept one: it checks the bundle's MAC (so a wrong password is named as such) and reads
// every scheme openssl and Windows write, RC2-40 included, which Node's OpenSSL 3 no longer has.
import { X509Certificate, createPrivateKey } from "node:crypto";
import forge from "node-forge";

/** What ClientCertificateCredential's `certificate` takes: the private key then its certificate, PEM. */
export interface PemBundle {
    pem: string;
    /** SHA-1 thumbprint of the certificate (what Entra shows under the app's certificates). */
    thumbprint: string;
}

export class Pkcs12Error extends Error {
    constructor(message: string) {
        super(message);
        this.name = "Pkcs12Error";
    }
}

function parse(der: Buffer, password: string): forge.pkcs12.Pkcs12Pfx {
    let asn1: forge.asn1.Asn1;
    try {
        asn1 = forge.asn1.fromDer(der.toString("binary"));
    } catch {
        throw new Pkcs12Error("not a PKCS#12 bundle (expected DER bytes; is it base64 or PEM text?)");
    }
    try {
        // strict: the MAC is checked first, with the password as PKCS#12 wants it (BMPString of its characters).
        return forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
    } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        if (/MAC could not be verified|Invalid password/i.test(text)) throw new Pkcs12Error("its integrity check failed: check the certificate password");
        // The MAC matched, but a PBES2 bag (OpenSSL 3's default) did not decrypt: PBES2 derives its key from the
        // password's UTF-8 bytes, which forge takes as given, so a non-ASCII password is handed over encoded, to a
        // copy without the MAC (checked above; forge would check it against the encoded password).
        const encoded = forge.util.encodeUtf8(password);
        if (encoded !== password && Array.isArray(asn1.value)) {
            try {
                return forge.pkcs12.pkcs12FromAsn1({ ...asn1, value: asn1.value.slice(0, 2) }, false, encoded);
            } catch {}
        }
        throw new Pkcs12Error(`unreadable PKCS#12 bundle (${text})`);
    }
}

function bags(p12: forge.pkcs12.Pkcs12Pfx, type: string): forge.pkcs12.Bag[] {
    return p12.getBags({ bagType: type })[type] ?? [];
}

/** Reads a PKCS#12 bundle (DER bytes) into the PEM key and certificate; throws Pkcs12Error, never quoting the bundle. */
export function readPkcs12(der: Buffer, password = ""): PemBundle {
    const p12 = parse(der, password);
    const keyBag = [...bags(p12, forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(p12, forge.pki.oids.keyBag)].find((b) => b.key);
    if (!keyBag?.key) throw new Pkcs12Error("it holds no private key");
    // Through Node's own key object, so the PEM is PKCS#8 whatever the key type forge read.
    const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
    const cert = bags(p12, forge.pki.oids.certBag)
        .flatMap((b) => (b.cert ? [new X509Certificate(forge.pki.certificateToPem(b.cert))] : []))
        .find((c) => c.checkPrivateKey(privateKey));
    if (!cert) throw new Pkcs12Error("it holds no certificate for its private key");
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    return { pem: `${keyPem.trimEnd()}\n${cert.toString().trimEnd()}\n`, thumbprint: cert.fingerprint.replace(/:/g, "") };
}
