/**
 * Command-line flags for every program (the console, the one-shot commands, the emulator): each has one
 * table of flags, parsed by `node:util` parseArgs, and its help is generated from the same table, so
 * what is parsed and what is documented cannot drift apart.
 *
 * Why parseArgs: it is what Node ships (no dependency to audit, bundle or keep up to date), it is strict
 * (an unknown flag, a missing value or a value given to a switch is an error, not a word silently left
 * over), and its options are typed by the table. meow is ESM with a tree of dependencies, and its help
 * text is written by hand, apart from the flags it parses. This layer adds what parseArgs lacks: our own
 * one-sentence messages (parseArgs' quote the raw input, control characters and all), "did you mean",
 * flags refused with a reason, and the help.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {quote} from './validate.js';

/** One flag of a program's table. */
export interface Flag {
	/** The long name without dashes: `zone` is `--zone`. */
	name: string;
	/** One letter: `h` is `-h`. */
	short?: string;
	/** The value's placeholder in help (`NAME[,NAME]`); a flag without one is a switch. */
	value?: string;
	/** May be given more than once (each value kept); any other flag given twice is refused. */
	multiple?: boolean;
	/** The environment variable that sets the same thing, for help. */
	env?: string;
	/** The config file key that sets the same thing, for help. */
	configKey?: string;
	/** What it does, lower case, no final full stop. */
	description: string;
	/** The default, as shown in help. */
	default?: string;
}

/** A command line that does not fit the table; the message is one sentence, safe to print. */
export class ArgsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ArgsError';
	}
}

/** What parseFlags found: each given flag by long name (a string, `true`, or a list for `multiple`), and the rest. */
export interface ParsedFlags {
	values: Map<string, string | true | string[]>;
	positionals: string[];
}

export interface ParseOptions {
	/** Where the user reads more, for messages: `flarewatch stats --help`. */
	helpHint: string;
	/** Flags refused with a reason (`--key`: the key would be visible to every user). */
	refused?: ReadonlyMap<string, string>;
}

/** The text a flag is typed as: `--zone`, `-h`. */
export function flagName(flag: Flag): string {
	return `--${flag.name}`;
}

/**
 * The edit distance of two words (Damerau: a swap of two neighbours is one edit), so that "did you
 * mean" finds `stats` for `stat`, `--zone` for `--zones` and `--json` for `--jsno`.
 */
export function editDistance(a: string, b: string): number {
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i]![j] = Math.min(rows[i]![j]!, rows[i - 2]![j - 2]! + 1);
		}
	}
	return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo: at most two edits and fewer
 * than half the word, or the word is the start of just one candidate (`--inter` for `--interval`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	const typed = word.toLowerCase();
	if (typed.length > 100) return undefined;
	let best: {candidate: string; distance: number} | undefined;
	for (const candidate of candidates) {
		const distance = editDistance(typed, candidate.toLowerCase());
		if (!best || distance < best.distance) best = {candidate, distance};
	}
	const bare = typed.replace(/^-+/, '');
	if (best && best.distance <= 2 && best.distance * 2 < bare.length) return best.candidate;
	const starting = candidates.filter(candidate => bare.length >= 3 && candidate.toLowerCase().startsWith(typed));
	return starting.length === 1 ? starting[0] : undefined;
}

/** ` (did you mean --zone?)`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
	const match = closest(word, candidates);
	return match === undefined ? '' : ` (did you mean ${match}?)`;
}

function table(flags: readonly Flag[]): Map<string, Flag> {
	const byName = new Map<string, Flag>();
	for (const flag of flags) byName.set(flag.name, flag);
	return byName;
}

/** The text before `--`: what may hold flags. */
function beforeTerminator(argv: readonly string[]): readonly string[] {
	const end = argv.indexOf('--');
	return end < 0 ? argv : argv.slice(0, end);
}

/** True when `argv` holds `--name` (or `-x`) before any `--`, for what must be known before parsing (`--json`, `--help`). */
export function hasFlag(argv: readonly string[], ...names: string[]): boolean {
	return beforeTerminator(argv).some(arg => names.includes(arg));
}

/**
 * Parses `argv` against a program's table. Flags may come anywhere before `--`, as `--name value` or
 * `--name=value`; everything after `--` is positional. Throws an ArgsError naming the first problem.
 */
export function parseFlags(argv: readonly string[], flags: readonly Flag[], options: ParseOptions): ParsedFlags {
	const byName = table(flags);
	for (const arg of beforeTerminator(argv)) {
		const name = arg.startsWith('--') ? arg.split('=', 1)[0]! : arg;
		const reason = options.refused?.get(name);
		if (reason !== undefined) throw new ArgsError(reason);
	}
	// Every flag with a value is read as a list, so that one given twice can be refused, not silently overwritten.
	const config = Object.fromEntries(flags.map(flag => [flag.name, {type: flag.value ? ('string' as const) : ('boolean' as const), multiple: flag.value !== undefined, ...(flag.short ? {short: flag.short} : {})}]));
	let parsed: {values: Record<string, unknown>; positionals: string[]};
	try {
		parsed = parseArgs({args: [...argv], options: config, strict: true, allowPositionals: true});
	} catch (error) {
		if (typeof error === 'object' && error !== null && 'code' in error && String((error as {code: unknown}).code).startsWith('ERR_PARSE_ARGS')) throw explain(argv, flags, config, options.helpHint);
		throw error;
	}
	const values = new Map<string, string | true | string[]>();
	for (const [name, value] of Object.entries(parsed.values)) {
		const flag = byName.get(name);
		if (!flag) continue;
		if (Array.isArray(value)) {
			const list = value.map(String);
			if (!flag.multiple && list.length > 1) throw new ArgsError(`${flagName(flag)} is given twice; give it once.`);
			values.set(name, flag.multiple ? list : list[0]!);
		} else if (value === true) values.set(name, true);
	}
	return {values, positionals: parsed.positionals};
}

/**
 * Why strict parseArgs refused `argv`, in our words: its own messages quote the input raw (an escape
 * sequence in a mistyped flag would reach the terminal) and suggest nothing. Read again without
 * strictness, the tokens show the first flag that is unknown, lacks its value or has one it must not.
 */
function explain(argv: readonly string[], flags: readonly Flag[], config: NonNullable<ParseArgsConfig['options']>, helpHint: string): ArgsError {
	const byName = table(flags);
	const shorts = new Map(flags.filter(flag => flag.short).map(flag => [flag.short!, flag]));
	const {tokens} = parseArgs({args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true});
	for (const token of tokens) {
		if (token.kind !== 'option') continue;
		const flag = token.rawName.startsWith('--') ? byName.get(token.name) : shorts.get(token.name);
		if (!flag) {
			const suggestion = didYouMean(token.rawName, flags.map(flagName));
			return new ArgsError(`There is no option ${quote(token.rawName, 40)}${suggestion}; see ${helpHint}.`);
		}
		const shown = token.rawName.startsWith('--') ? flagName(flag) : token.rawName;
		if (flag.value === undefined && token.value !== undefined) return new ArgsError(`${shown} takes no value.`);
		if (flag.value !== undefined && token.value === undefined) return new ArgsError(`${shown} needs a value (${flag.value}).`);
		if (flag.value !== undefined && !token.inlineValue && token.value!.startsWith('-')) {
			return new ArgsError(`${shown} needs a value (${flag.value}), not the option ${quote(token.value!, 40)}; for a value that starts with a dash, write ${shown}=${quote(token.value!, 40).slice(1, -1)}.`);
		}
	}
	return new ArgsError(`The arguments could not be read; see ${helpHint}.`);
}

/** The help lines of a table: `  --zone NAME[,NAME]   the zones; repeatable [CF_ZONE, "zones"]`. */
export function flagHelp(flags: readonly Flag[], indent = '  '): string[] {
	const left = flags.map(flag => `${flag.short ? `-${flag.short}, ` : '    '}${flagName(flag)}${flag.value ? ` ${flag.value}` : ''}`);
	const width = Math.max(0, ...left.map(text => text.length));
	return flags.map((flag, i) => {
		const also = [flag.env, flag.configKey === undefined ? undefined : `"${flag.configKey}" in the config file`].filter(Boolean);
		const text = `${flag.description}${flag.default === undefined ? '' : ` (default ${flag.default})`}${also.length > 0 ? `; or ${also.join(', or ')}` : ''}`;
		return `${indent}${left[i]!.padEnd(width)}  ${text}`;
	});
}
