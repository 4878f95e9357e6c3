import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { trackRoot, untrackRoot } from "./process-util";

/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 / localhost, made with the openssl
 * CLI, so the harness's MariaDB and PostgreSQL can speak TLS the way RDS Proxy requires. Clients trust
 * `caFile` (the apps: NODE_EXTRA_CA_CERTS=caFile with DB_TLS=true, see service-kit rdsCaBundle()).
 */
export interface TestCa {
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
    /**
     * Deletes the CA's directory (servers started with it keep their own copies). Call it when done, as with a
     * server's destroy(): inside jest the harness's exit hook never runs (see process-util.ts).
     */
    destroy(): void;
}

let shared: TestCa | undefined;

export function makeTestCa(): TestCa {
    if (shared !== undefined && fs.existsSync(shared.caFile)) return shared;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sc-test-ca-"));
    trackRoot(dir);
    const run = (args: string[]): void => {
        execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    };
    run([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=serverless-containers test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    run([
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, "ca.pem"), 0o644);
    const ca: TestCa = {
        caFile: path.join(dir, "ca.pem"),
        certFile: path.join(dir, "server.pem"),
        keyFile: path.join(dir, "server.key"),
        destroy: () => {
            fs.rmSync(dir, { recursive: true, force: true });
            untrackRoot(dir);
            if (shared === ca) shared = undefined;
        },
    };
    shared = ca;
    return ca;
}

/** Copies the server certificate and key into a server's data root, owned by its OS user (key 0600). */
export function installServerCert(
    ca: TestCa,
    root: string,
    owner: { uid: number; gid: number },
): { cert: string; key: string; ca: string } {
    const out = { cert: path.join(root, "server.pem"), key: path.join(root, "server.key"), ca: path.join(root, "ca.pem") };
    fs.copyFileSync(ca.certFile, out.cert);
    fs.copyFileSync(ca.keyFile, out.key);
    fs.copyFileSync(ca.caFile, out.ca);
    for (const file of Object.values(out)) fs.chownSync(file, owner.uid, owner.gid);
    fs.chmodSync(out.key, 0o600);
    return out;
}
