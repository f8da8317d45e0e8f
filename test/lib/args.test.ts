import {describe, expect, it} from 'vitest';
import {ArgsError, closest, flagHelp, parseFlags, type Flag} from '../../source/lib/args.js';

const flags: Flag[] = [
	{name: 'zone', value: 'NAME', multiple: true, env: 'CF_ZONE', configKey: 'zones', description: 'the zones'},
	{name: 'interval', value: 'N', default: '20', description: 'the period'},
	{name: 'json', description: 'machine-readable output'},
	{name: 'help', short: 'h', description: 'this help'},
];

function failure(argv: string[]): string {
	try {
		parseFlags(argv, flags, {helpHint: 'prog --help', refused: new Map([['--key', 'No --key: use a file.']])});
	} catch (error) {
		expect(error).toBeInstanceOf(ArgsError);
		return (error as Error).message;
	}
	throw new Error('expected a failure');
}

describe('lib/args', () => {
	it('suggests the closest name for a typo, and nothing for a word that is not one', () => {
		expect(closest('stat', ['stats', 'ban', 'lookup'])).toBe('stats');
		expect(closest('--jsno', ['--json', '--zone'])).toBe('--json');
		expect(closest('--inter', ['--interval', '--json'])).toBe('--interval');
		expect(closest('x', ['stats', 'ban'])).toBeUndefined();
		expect(closest('frobnicate', ['stats', 'ban'])).toBeUndefined();
	});

	it('parses values anywhere, lists for repeatable flags, -h, and everything after -- as positional', () => {
		const {values, positionals} = parseFlags(['a', '--zone', 'x', '--zone=y', '-h', '--interval=-5', '--', '--json'], flags, {helpHint: 'prog --help'});
		expect([...values]).toEqual([['zone', ['x', 'y']], ['help', true], ['interval', '-5']]);
		expect(positionals).toEqual(['a', '--json']);
	});

	it('refuses in one sentence, never echoing control characters', () => {
		expect(failure(['--zones', 'x'])).toBe('There is no option "--zones" (did you mean --zone?); see prog --help.');
		expect(failure(['--json=yes'])).toBe('--json takes no value.');
		expect(failure(['--interval'])).toBe('--interval needs a value (N).');
		expect(failure(['--interval', '1', '--interval', '2'])).toBe('--interval is given twice; give it once.');
		expect(failure(['--key=secret'])).toBe('No --key: use a file.');
		expect(failure(['--bo\u001b[2Jgus'])).not.toMatch(/\u001b/);
		expect(failure(['-x'])).toMatch(/^There is no option "-x"/);
	});

	it('makes help from the table: value, default, environment variable and config key', () => {
		expect(flagHelp(flags)).toEqual([
			'      --zone NAME   the zones; or CF_ZONE, or "zones" in the config file',
			'      --interval N  the period (default 20)',
			'      --json        machine-readable output',
			'  -h, --help        this help',
		]);
	});
});
