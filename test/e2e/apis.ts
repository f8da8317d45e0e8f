/** The two APIs flarewatch speaks; a suite that runs on both is `describe.each(apis)` (issue 15). */
import type {Backend} from '../../source/backend.js';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Backend} from '../../source/v1/backend.js';
import {V4Backend} from '../../source/v4/backend.js';

export type Api = 'v1' | 'v4';
export const apis: readonly Api[] = ['v1', 'v4'];

/** A client of the emulator's demo account on `api`: v4 with its token, v1 with its email and key. */
export function emulatorBackend(api: Api, emulator: Pick<EmulatorHandle, 'url' | 'email' | 'key' | 'token'>, options: {now?: () => number; timeoutMs?: number} = {}): Backend {
	const extra = {...(options.now ? {now: options.now} : {}), ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs})};
	return api === 'v4'
		? new V4Backend({endpoint: emulator.url, token: new Secret(emulator.token), ...extra})
		: new V1Backend({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), ...extra});
}
