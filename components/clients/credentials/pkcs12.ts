// Reads the PKCS#12 (.pfx) bundle the azuread provider takes as its client certificate, into the PEM key and
// certificate @azure/identity's ClientCertificateCredential wants (it reads PEM only). Node has no PKCS#12 reader,
// so this is a small one (RFC 7292): the private key bag is decrypted by Node's own PKCS#8 support; certificate
// bags in encrypted content are decrypted here, for the two schemes openssl writes: PBES2 (PBKDF2 + AES/3DES-CBC,
// OpenSSL 3's default) and pbeWithSHAAnd3-KeyTripleDES-CBC (the legacy default for keys, and Windows' export).
// RC2-40 (OpenSSL 1.x's default for certificates) is not in Node's OpenSSL: the error says how to re-export.
// The MAC is not checked; a wrong password fails the decryption instead.
import { X509Certificate, createDecipheriv, createHash, createPrivateKey, pbkdf2Sync } from "node:crypto";

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

interface Node {
    tag: number;
    content: Buffer;
}

/** One DER element at `offset`: its tag, content, and where the next one starts. */
function readElement(buf: Buffer, offset: number): Node & { next: number } {
    if (offset + 2 > buf.length) throw new Pkcs12Error("not a PKCS#12 bundle (truncated ASN.1)");
    const tag = buf[offset];
    let len = buf[offset + 1];
    let start = offset + 2;
    if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 4) throw new Pkcs12Error("not a PKCS#12 bundle (unsupported ASN.1 length; is it PEM or BER-indefinite?)");
        len = buf.readUIntBE(start, n);
        start += n;
    }
    if (start + len > buf.length) throw new Pkcs12Error("not a PKCS#12 bundle (truncated ASN.1)");
    return { tag, content: buf.subarray(start, start + len), next: start + len };
}

function children(node: Node): Node[] {
    const out: Node[] = [];
    for (let at = 0; at < node.content.length; ) {
        const e = readElement(node.content, at);
        out.push(e);
        at = e.next;
    }
    return out;
}

function oid(node: Node): string {
    const b = node.content;
    const parts = [Math.floor(b[0] / 40), b[0] % 40];
    let v = 0;
    for (let i = 1; i < b.length; i++) {
        v = v * 128 + (b[i] & 0x7f);
        if (!(b[i] & 0x80)) {
            parts.push(v);
            v = 0;
        }
    }
    return parts.join(".");
}

/** The bytes of an OCTET STRING, primitive or constructed (chunks). */
function octets(node: Node): Buffer {
    return (node.tag & 0x20) === 0 ? node.content : Buffer.concat(children(node).map(octets));
}

function integer(node: Node): number {
    return node.content.length <= 6 ? node.content.readUIntBE(0, node.content.length) : Number.NaN;
}

const OID = {
    data: "1.2.840.113549.1.7.1",
    encryptedData: "1.2.840.113549.1.7.6",
    keyBag: "1.2.840.113549.1.12.10.1.1",
    shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
    certBag: "1.2.840.113549.1.12.10.1.3",
    x509Certificate: "1.2.840.113549.1.9.22.1",
    pbes2: "1.2.840.113549.1.5.13",
    pbkdf2: "1.2.840.113549.1.5.12",
    sha1And3DES: "1.2.840.113549.1.12.1.3",
    sha1And40BitRC2: "1.2.840.113549.1.12.1.6",
    sha1And128BitRC2: "1.2.840.113549.1.12.1.5",
} as const;

const PRF: Record<string, string> = {
    "1.2.840.113549.2.7": "sha1",
    "1.2.840.113549.2.9": "sha256",
    "1.2.840.113549.2.10": "sha384",
    "1.2.840.113549.2.11": "sha512",
};
const CIPHERS: Record<string, { name: string; keyLength: number }> = {
    "2.16.840.1.101.3.4.1.2": { name: "aes-128-cbc", keyLength: 16 },
    "2.16.840.1.101.3.4.1.22": { name: "aes-192-cbc", keyLength: 24 },
    "2.16.840.1.101.3.4.1.42": { name: "aes-256-cbc", keyLength: 32 },
    "1.2.840.113549.3.7": { name: "des-ede3-cbc", keyLength: 24 },
};

/** RFC 7292 appendix B.2 key derivation with SHA-1 (u = 20, v = 64); the password as a BMPString with its terminator. */
function pkcs12Kdf(password: string, salt: Buffer, id: number, iterations: number, size: number): Buffer {
    const v = 64;
    const bmp = Buffer.alloc((password.length + 1) * 2);
    for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
    const fill = (b: Buffer) => {
        const out = Buffer.alloc(v * Math.ceil(b.length / v));
        for (let i = 0; i < out.length; i++) out[i] = b[i % b.length];
        return out;
    };
    const input = Buffer.concat([fill(salt), fill(bmp)]);
    const blocks: Buffer[] = [];
    for (let produced = 0; produced < size; ) {
        let a = createHash("sha1").update(Buffer.alloc(v, id)).update(input).digest();
        for (let i = 1; i < iterations; i++) a = createHash("sha1").update(a).digest();
        blocks.push(a);
        produced += a.length;
        const b = fill(a);
        for (let j = 0; j < input.length; j += v) {
            let carry = 1;
            for (let k = v - 1; k >= 0; k--) {
                const sum = input[j + k] + b[k] + carry;
                input[j + k] = sum & 0xff;
                carry = sum >> 8;
            }
        }
    }
    return Buffer.concat(blocks).subarray(0, size);
}

function decrypt(algorithm: Node, data: Buffer, password: string): Buffer {
    const [idNode, params] = children(algorithm);
    const id = oid(idNode);
    let cipher: string;
    let key: Buffer;
    let iv: Buffer;
    if (id === OID.pbes2) {
        const [kdf, scheme] = children(params);
        const [kdfId, kdfParams] = children(kdf);
        if (oid(kdfId) !== OID.pbkdf2) throw new Pkcs12Error(`unsupported key derivation ${oid(kdfId)} (only PBKDF2)`);
        const [salt, iterations, ...rest] = children(kdfParams);
        const prfNode = rest.find((n) => n.tag === 0x30);
        const prf = prfNode ? PRF[oid(children(prfNode)[0])] : "sha1";
        const [schemeId, ivNode] = children(scheme);
        const c = CIPHERS[oid(schemeId)];
        if (!c || !prf) throw new Pkcs12Error(`unsupported PBES2 cipher ${oid(schemeId)}`);
        cipher = c.name;
        key = pbkdf2Sync(Buffer.from(password, "utf8"), salt.content, integer(iterations), c.keyLength, prf);
        iv = ivNode.content;
    } else if (id === OID.sha1And3DES) {
        const [salt, iterations] = children(params);
        cipher = "des-ede3-cbc";
        key = pkcs12Kdf(password, salt.content, 1, integer(iterations), 24);
        iv = pkcs12Kdf(password, salt.content, 2, integer(iterations), 8);
    } else if (id === OID.sha1And40BitRC2 || id === OID.sha1And128BitRC2) {
        throw new Pkcs12Error(
            "its certificates are encrypted with RC2, which Node.js no longer offers: re-export the bundle with AES, " +
                "e.g. openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256 -inkey key.pem -in cert.pem -out client.pfx",
        );
    } else {
        throw new Pkcs12Error(`unsupported encryption ${id}`);
    }
    try {
        const d = createDecipheriv(cipher, key, iv);
        return Buffer.concat([d.update(data), d.final()]);
    } catch {
        throw new Pkcs12Error("could not decrypt it: check the certificate password");
    }
}

/** The SafeContents of each part of the bundle, decrypted where needed. */
function safeContents(authSafe: Node, password: string): Node[] {
    const parts: Node[] = [];
    for (const info of children(authSafe)) {
        const [type, wrapped] = children(info);
        const content = children(wrapped)[0];
        if (oid(type) === OID.data) {
            parts.push(readElement(octets(content), 0));
        } else if (oid(type) === OID.encryptedData) {
            const [, encryptedContentInfo] = children(content);
            const [, algorithm, encrypted] = children(encryptedContentInfo);
            parts.push(readElement(decrypt(algorithm, octets(encrypted), password), 0));
        } else {
            throw new Pkcs12Error(`unsupported content type ${oid(type)} (public-key encrypted bundles are not supported)`);
        }
    }
    return parts;
}

/** Reads a PKCS#12 bundle (DER bytes) into the PEM key and certificate; throws Pkcs12Error, never quoting the bundle. */
export function readPkcs12(der: Buffer, password = ""): PemBundle {
    const pfx = readElement(der, 0);
    if (pfx.tag !== 0x30) throw new Pkcs12Error("not a PKCS#12 bundle (expected a DER sequence; is it base64 or PEM text?)");
    const [, authSafeInfo] = children(pfx);
    const [type, wrapped] = children(authSafeInfo);
    if (oid(type) !== OID.data) throw new Pkcs12Error("unsupported PKCS#12 bundle (signed content, not password integrity)");
    const authSafe = readElement(octets(children(wrapped)[0]), 0);
    let key: ReturnType<typeof createPrivateKey> | undefined;
    const certificates: X509Certificate[] = [];
    for (const contents of safeContents(authSafe, password)) {
        for (const bag of children(contents)) {
            const [bagId, value] = children(bag);
            const inner = children(value)[0];
            const kind = oid(bagId);
            if (kind === OID.keyBag) key = createPrivateKey({ key: Buffer.from(bagBytes(inner)), format: "der", type: "pkcs8" });
            if (kind === OID.shroudedKeyBag) {
                try {
                    key = createPrivateKey({ key: Buffer.from(bagBytes(inner)), format: "der", type: "pkcs8", passphrase: password });
                } catch {
                    throw new Pkcs12Error("could not decrypt its private key: check the certificate password");
                }
            }
            if (kind === OID.certBag) {
                const [certType, certValue] = children(inner);
                if (oid(certType) === OID.x509Certificate) certificates.push(new X509Certificate(octets(children(certValue)[0])));
            }
        }
    }
    if (!key) throw new Pkcs12Error("it holds no private key");
    const privateKey = key;
    const cert = certificates.find((c) => c.checkPrivateKey(privateKey));
    if (!cert) throw new Pkcs12Error("it holds no certificate for its private key");
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    return { pem: `${keyPem.trimEnd()}\n${cert.toString().trimEnd()}\n`, thumbprint: cert.fingerprint.replace(/:/g, "") };
}

/** The whole DER element (tag and length included) of a node read from its parent. */
function bagBytes(node: Node): Buffer {
    const header = derHeader(node.tag, node.content.length);
    return Buffer.concat([header, node.content]);
}

function derHeader(tag: number, length: number): Buffer {
    if (length < 0x80) return Buffer.from([tag, length]);
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}
