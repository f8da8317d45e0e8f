// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers (docs/architecture.md). Each entry: the files of a layer, and the imports they may not make.
 * A relative import is matched by the folder it reaches: "(^|/)v1/" is any path through source/v1.
 */
const folder = name => ({regex: `^(\\.{1,2}/)+(.*/)?${name}/`, message: `this layer may not import ${name}/ (docs/architecture.md)`});
const file = name => ({regex: `^(\\.{1,2}/)+${name}\\.js$`, message: `this layer may not import ${name} (docs/architecture.md)`});
const nodeBuiltins = {regex: '^node:', message: 'the UI reaches the system only through the monitor and the console (docs/architecture.md)'};
const reactInk = {regex: '^(react|ink)(/.*)?$', message: 'no React or Ink below the UI (docs/architecture.md)'};
const layers = [
	{files: ['source/lib/**'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('commands'), folder('v1'), folder('v4'), folder('emulator'), file('config'), file('backends'), file('backend'), reactInk]},
	{files: ['source/backend.ts', 'source/errors.ts', 'source/config.ts'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('commands'), folder('v1'), folder('v4'), folder('emulator'), file('backends'), reactInk]},
	{files: ['source/v1/**'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('commands'), folder('emulator'), folder('v4'), file('config'), file('backends'), reactInk]},
	{files: ['source/v4/**'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('commands'), folder('emulator'), folder('v1'), file('config'), file('backends'), reactInk]},
	{files: ['source/actions/**', 'source/monitor/**'], forbidden: [folder('ui'), folder('term'), folder('console'), folder('commands'), folder('v1'), folder('v4'), folder('emulator'), file('config'), file('backends'), reactInk]},
	{files: ['source/ui/**'], forbidden: [folder('v1'), folder('v4'), folder('emulator'), folder('console'), folder('commands'), folder('term'), file('config'), file('backends'), nodeBuiltins]},
	{files: ['source/term/**'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('console'), folder('commands'), folder('v1'), folder('v4'), folder('emulator'), file('config'), file('backends'), file('backend')]},
	{files: ['source/commands/**'], forbidden: [folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('v1'), folder('v4'), folder('emulator'), reactInk]},
	{files: ['source/console/**'], forbidden: [folder('v1'), folder('v4'), folder('commands')]},
	// The emulator stands alone (it plays the server): shared helpers from lib/, and the v1 wire contract's types.
	{files: ['source/emulator/**'], forbidden: [folder('actions'), folder('monitor'), folder('ui'), folder('term'), folder('console'), folder('commands'), file('config'), file('backends'), file('backend'), file('errors'), reactInk, {regex: '^(\\.{1,2}/)+v1/(?!wire\\.js$)', message: 'the emulator may use only the wire contract from v1/ (docs/architecture.md)'}]},
];

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results.json']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: {
			globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly'},
		},
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			'no-control-regex': 'off',
		},
	},
	...layers.map(({files, forbidden}) => ({files, rules: {'no-restricted-imports': ['error', {patterns: forbidden}]}})),
);
