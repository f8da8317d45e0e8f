/**
 * Request parameters as the v1 service took them: query string, urlencoded body and multipart body
 * merged (body wins), GET or POST alike, values not always URL-encoded by the client.
 * Hand-written on purpose: no dependency, and a malformed body must become an error envelope.
 */

/** Merged parameters, last occurrence wins. */
export type Params = Map<string, string>;

/** Why a request's parameters could not be read. */
export class ParamsError extends Error {}

const utf8 = new TextDecoder('utf-8', {fatal: true});

function decodeUtf8(bytes: Uint8Array): string {
	try {
		return utf8.decode(bytes);
	} catch {
		throw new ParamsError('Parameters are not valid UTF-8.');
	}
}

function hexValue(byte: number): number {
	if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
	if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
	if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
	return -1;
}

/** Percent-decoding that keeps a stray "%" literally, as lenient servers did. */
function percentDecode(bytes: Buffer, start: number, end: number): string {
	let plain = true;
	for (let i = start; i < end && plain; i++) plain = bytes[i] < 0x80 && bytes[i] !== 0x25 && bytes[i] !== 0x2b;
	// Most values are plain ASCII: no decoding needed.
	if (plain) return bytes.toString('latin1', start, end);
	const out = Buffer.allocUnsafe(end - start);
	let length = 0;
	for (let i = start; i < end; i++) {
		const byte = bytes[i];
		if (byte === 0x2b) {
			out[length++] = 0x20;
		} else if (byte === 0x25 && i + 2 < end && hexValue(bytes[i + 1]) >= 0 && hexValue(bytes[i + 2]) >= 0) {
			out[length++] = hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2]);
			i += 2;
		} else {
			out[length++] = byte;
		}
	}
	return decodeUtf8(out.subarray(0, length));
}

/** Parses `a=1&b=2` bytes into `into`. */
export function parseUrlencoded(bytes: Buffer, into: Params): void {
	let start = 0;
	const total = bytes.length;
	while (start <= total) {
		let end = bytes.indexOf(0x26, start);
		if (end === -1) end = total;
		if (end > start) {
			let equals = bytes.indexOf(0x3d, start);
			if (equals === -1 || equals > end) equals = end;
			const name = percentDecode(bytes, start, equals).trim();
			const value = equals < end ? percentDecode(bytes, equals + 1, end) : '';
			if (name !== '') into.set(name, value);
		}
		start = end + 1;
	}
}

/** Parses the query part of a raw request target (Node hands the bytes over as latin1). */
export function parseQuery(target: string, into: Params): string {
	const question = target.indexOf('?');
	if (question === -1) return target;
	parseUrlencoded(Buffer.from(target.slice(question + 1), 'latin1'), into);
	return target.slice(0, question);
}

function boundaryOf(contentType: string): string {
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const boundary = match?.[1] ?? match?.[2];
	if (!boundary) throw new ParamsError('Malformed multipart body: no boundary.');
	return boundary;
}

/** Parses a multipart/form-data body; files are read as text fields like every other value. */
export function parseMultipart(body: Buffer, contentType: string, into: Params): void {
	const delimiter = Buffer.from(`--${boundaryOf(contentType)}`, 'latin1');
	let position = body.indexOf(delimiter);
	if (position === -1) throw new ParamsError('Malformed multipart body: boundary not found.');
	for (;;) {
		position += delimiter.length;
		if (body[position] === 0x2d && body[position + 1] === 0x2d) return;
		if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
		else if (body[position] === 0x0a) position += 1;
		else throw new ParamsError('Malformed multipart body: bad delimiter line.');
		const next = body.indexOf(delimiter, position);
		if (next === -1) throw new ParamsError('Malformed multipart body: no closing boundary.');
		let headerEnd = body.indexOf('\r\n\r\n', position, 'latin1');
		let separator = 4;
		if (headerEnd === -1 || headerEnd > next) {
			headerEnd = body.indexOf('\n\n', position, 'latin1');
			separator = 2;
		}
		if (headerEnd === -1 || headerEnd > next) throw new ParamsError('Malformed multipart body: part without headers.');
		const headers = decodeUtf8(body.subarray(position, headerEnd));
		const name = /content-disposition:[^\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
		if (name === undefined) throw new ParamsError('Malformed multipart body: part without a name.');
		let valueEnd = next;
		if (body[valueEnd - 1] === 0x0a) valueEnd -= 1;
		if (body[valueEnd - 1] === 0x0d) valueEnd -= 1;
		into.set(name, decodeUtf8(body.subarray(headerEnd + separator, Math.max(headerEnd + separator, valueEnd))));
		position = next;
	}
}

/** Reads the body according to its type; anything not multipart is taken as urlencoded. */
export function parseBody(body: Buffer, contentType: string | undefined, into: Params): void {
	if (body.length === 0) return;
	if (contentType && /^\s*multipart\/form-data/i.test(contentType)) parseMultipart(body, contentType, into);
	else parseUrlencoded(body, into);
}

/** The account email: `email` or its alias `u`; a raw "+" decoded as a space is put back. */
export function emailOf(params: Params): string {
	return (nonEmpty(params, 'email') ?? params.get('u') ?? '').trim().replace(/ /g, '+').toLowerCase();
}

/** A parameter's value, an empty one counting as absent (so an alias can stand in). */
export function nonEmpty(params: Params, name: string): string | undefined {
	const value = params.get(name);
	return value === undefined || value === '' ? undefined : value;
}
