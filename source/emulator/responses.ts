/** Canned bodies: the shutdown text, the HTML error page, and the helpers that write replies. */
import type {ServerResponse} from 'node:http';

/** What every call got after 2016-11-09, at HTTP 410. */
export const sunsetText = 'This API has been deprecated in favor of API v4, available at https://api.cloudflare.com.';

export const htmlErrorPage = `<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title></head>
<body bgcolor="white">
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare-nginx</center>
</body>
</html>
`;

export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body)});
	res.end(body);
}

export const jsonType = 'application/json; charset=utf-8';
export const textType = 'text/plain; charset=utf-8';
export const htmlType = 'text/html; charset=utf-8';
export const scriptType = 'application/javascript; charset=utf-8';
