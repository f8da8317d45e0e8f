/**
 * The layers of docs/architecture.md are enforced by lint: a planted forbidden import fails it, and
 * the imports each layer is allowed pass.
 */
import {ESLint} from 'eslint';
import {describe, expect, it} from 'vitest';

const eslint = new ESLint({cwd: process.cwd()});

async function problems(filePath: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, {filePath});
	return (result?.messages ?? []).filter(message => message.ruleId === 'no-restricted-imports').map(message => message.message);
}

const forbidden: [string, string][] = [
	['source/ui/planted.ts', "import {V1Backend} from '../v1/backend.js';"],
	['source/ui/panes/planted.tsx', "import {wire} from '../../v1/wire.js';"],
	['source/ui/planted.ts', "import {readFileSync} from 'node:fs';"],
	['source/ui/planted.ts', "import {startEmulator} from '../emulator/index.js';"],
	['source/monitor/planted.ts', "import {Box} from 'ink';"],
	['source/actions/planted.ts', "import {useState} from 'react';"],
	['source/actions/planted.ts', "import {App} from '../ui/app.js';"],
	['source/v1/planted.ts', "import {Store} from '../monitor/store.js';"],
	['source/v1/planted.ts', "import {loadConfig} from '../config.js';"],
	['source/v1/planted.ts', "import {App} from '../ui/app.js';"],
	['source/emulator/planted.ts', "import {runConsole} from '../console/run.js';"],
	['source/emulator/planted.ts', "import {V1Client} from '../v1/client.js';"],
	['source/emulator/handlers/planted.ts', "import {Store} from '../../monitor/store.js';"],
	['source/commands/planted.ts', "import {V1Backend} from '../v1/backend.js';"],
	['source/console/planted.ts', "import {V1Backend} from '../v1/backend.js';"],
	['source/config.ts', "import {Transport} from './v1/transport.js';"],
	['source/lib/planted.ts', "import {Store} from '../monitor/store.js';"],
	['source/v4/planted.ts', "import {Store} from '../monitor/store.js';"],
	['source/v4/planted.ts', "import {loadConfig} from '../config.js';"],
	['source/v4/planted.ts', "import {Transport} from '../v1/transport.js';"],
	['source/v4/planted.ts', "import {openBackend} from '../backends.js';"],
	['source/v1/planted.ts', "import {V4Backend} from '../v4/backend.js';"],
	['source/ui/planted.ts', "import {V4Backend} from '../v4/backend.js';"],
	['source/commands/planted.ts', "import {V4Backend} from '../v4/backend.js';"],
	['source/console/planted.ts', "import {V4Backend} from '../v4/backend.js';"],
	['source/monitor/planted.ts', "import {V4Backend} from '../v4/backend.js';"],
];

const allowed: [string, string][] = [
	['source/ui/planted.ts', "import type {MonitorState} from '../monitor/store.js';"],
	['source/ui/planted.ts', "import {Box} from 'ink';"],
	['source/monitor/planted.ts', "import {ActionQueue} from '../actions/queue.js';"],
	['source/actions/planted.ts', "import {readFileSync} from 'node:fs';"],
	['source/emulator/planted.ts', "import type {WireParams} from '../v1/wire.js';"],
	['source/emulator/handlers/planted.ts', "import {canonicalIp} from '../../lib/ip.js';"],
	['source/commands/planted.ts', "import {openBackend} from '../backends.js';"],
	['source/backends.ts', "import {V1Backend} from './v1/backend.js';"],
	['source/v1/planted.ts', "import type {Backend} from '../backend.js';"],
	['source/backends.ts', "import {V4Backend} from './v4/backend.js';"],
	['source/v4/planted.ts', "import type {Backend} from '../backend.js';"],
	['source/v4/planted.ts', "import {FlarewatchError} from '../errors.js';"],
	['source/v4/planted.ts', "import {HttpCore} from '../lib/http.js';"],
	['source/v4/planted.ts', "import Cloudflare from 'cloudflare';"],
	['source/v1/planted.ts', "import {HttpCore} from '../lib/http.js';"],
];

describe('lint holds the layers', () => {
	it.each(forbidden)('refuses %s: %s', async (filePath, code) => {
		const found = await problems(filePath, code);
		expect(found).toHaveLength(1);
		expect(found[0]).toContain('docs/architecture.md');
	});

	it.each(allowed)('allows %s: %s', async (filePath, code) => {
		expect(await problems(filePath, code)).toEqual([]);
	});
});
