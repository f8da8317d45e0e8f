/** The self-signed certificate of `--tls`, generated at start for localhost and the loopback addresses. */
import {X509Certificate} from 'node:crypto';

export interface TlsMaterial {
	key: string;
	cert: string;
	/** "AB:CD:..." as Node's X509Certificate prints it. */
	fingerprint256: string;
}

export async function generateCertificate(host: string): Promise<TlsMaterial> {
	const altNames: {type: 2 | 7; value?: string; ip?: string}[] = [
		{type: 2, value: 'localhost'},
		{type: 7, ip: '127.0.0.1'},
		{type: 7, ip: '::1'},
	];
	if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' && host !== '0.0.0.0' && host !== '::') {
		altNames.push(/^[\d.]+$|:/.test(host) ? {type: 7, ip: host} : {type: 2, value: host});
	}
	// Loaded only for --tls: evaluating selfsigned and its ASN.1 stack cost ~100 ms of every start.
	const {default: selfsigned} = await import('selfsigned');
	const pems = await selfsigned.generate([{name: 'commonName', value: 'flarewatch emulator'}], {
		keyType: 'ec',
		algorithm: 'sha256',
		extensions: [{name: 'subjectAltName', altNames}],
	});
	return {key: pems.private, cert: pems.cert, fingerprint256: new X509Certificate(pems.cert).fingerprint256};
}
