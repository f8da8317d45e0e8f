/**
 * Keys to commands, as a pure function of the key, the mode and the view, so every binding is testable
 * without a terminal and the help overlay is generated from the same table.
 */
import {featureAvailable, type Feature} from '../actions/capability.js';
import type {Capabilities} from '../backend.js';
import type {DialogCommand} from './dialog-state.js';
import type {ViewName} from './ui-state.js';

/** The subset of Ink's `Key` the console reads. */
export interface KeyPress {
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
	tab?: boolean;
	shift?: boolean;
	backspace?: boolean;
	delete?: boolean;
}

/** An operator action a key asks for; the App turns it into a dialog (or a refusal in read-only mode). */
export type ActionKey =
	| 'security-picker'
	| 'attack-toggle'
	| 'dev-toggle'
	| 'cache-toggle'
	| 'purge'
	| 'ipv6-toggle'
	| 'snapshot'
	| 'ban'
	| 'whitelist'
	| 'challenge'
	| 'clear-rule'
	| 'lookup'
	/** The Rules view's `x`: the highlighted rule. */
	| 'rule-remove'
	| 'lockdown'
	| 'dns-add'
	| 'dns-edit'
	| 'dns-proxied'
	| 'dns-delete'
	| 'dns-update-ip'
	| 'retry'
	/** `D`: put back what changed elsewhere (the dashboard's first drift line), if flarewatch had set it. */
	| 'drift-revert'
	/** E: the incident report, written at once. */
	| 'export-report';

export type Command =
	| {type: 'quit'}
	| {type: 'move'; by: number}
	| {type: 'page'; by: number}
	| {type: 'jump'; to: 'first' | 'last'}
	| {type: 'cycle-class'}
	| {type: 'start-text-filter'}
	| {type: 'filter-input'; text: string}
	| {type: 'filter-backspace'}
	| {type: 'filter-accept'}
	| {type: 'filter-cancel'}
	| {type: 'toggle-help'}
	| {type: 'close-overlay'}
	| {type: 'next-view'; by: number}
	| {type: 'next-zone'}
	| {type: 'refresh'}
	| {type: 'toggle-pause'}
	| {type: 'action'; action: ActionKey}
	| {type: 'open-palette'}
	| {type: 'palette-input'; text: string}
	| {type: 'palette-backspace'}
	| {type: 'palette-run'}
	| {type: 'palette-cancel'}
	| DialogCommand;

/** What the keyboard is doing: normal keys, typing a filter or a command, a dialog or an overlay open. */
export type KeyMode = 'normal' | 'filter' | 'help' | 'dialog' | 'form' | 'palette';

/** One line of the help overlay. */
export interface KeyHelp {
	keys: string;
	description: string;
}

/** A line of the help with what it needs of the API: shown only when `needs` is available and `without` is not. */
interface KeyHelpEntry extends KeyHelp {
	needs?: Feature;
	without?: Feature;
}

/** Every key of every API; `keyHelpFor` picks the ones the API behind the console has. */
const keyTable: readonly KeyHelpEntry[] = [
	{keys: 'j k ↓ ↑', description: 'move the highlight'},
	{keys: 'PgDn PgUp', description: 'a page; g or Home / End: first / last row'},
	{keys: 'f, /', description: 'class / text filter'},
	{keys: 'Tab z', description: 'next view; next zone', without: 'rule-listing'},
	{keys: 'Tab z', description: 'views (+Rules); next zone', needs: 'rule-listing'},
	{keys: 'r p', description: 'refresh now; pause polling'},
	{keys: 's', description: 'security level picker'},
	{keys: 'U', description: "I'm Under Attack on; again: the level before"},
	{keys: 'd', description: 'dev mode on / off'},
	{keys: 'c 6', description: 'cache level agg / basic; IPv6 on / off'},
	{keys: 'P', description: 'purge the cache (cooldown)', without: 'purge-files'},
	{keys: 'P', description: 'purge all (files: :purge)', needs: 'purge-files'},
	{keys: 'G', description: 'snapshot (once a day)', needs: 'snapshot'},
	{keys: 'b w x', description: "ban (t: how long) / whitelist / clear the IP's rule", without: 'challenge'},
	{keys: 'b w C', description: 'block / allow / challenge the IP, with a reason', needs: 'challenge'},
	{keys: 'x', description: "remove its rule (someone else's: type yes)", needs: 'rule-listing'},
	{keys: 'i', description: "the IP's threat score", needs: 'lookup'},
	{keys: 'i', description: 'country, ASN, firewall log', without: 'lookup', needs: 'details'},
	{keys: 'RULE', description: "! marks someone else's", needs: 'rule-listing'},
	{keys: 'L', description: 'lockdown (preview); L again: undo'},
	{keys: 'D E', description: 'put back drift; report'},
	{keys: ':', description: 'command palette (:help)'},
	{keys: 'DNS a e', description: 'add / edit an A or CNAME record', without: 'any-record'},
	{keys: 'DNS a e', description: 'add / edit a record', needs: 'any-record'},
	{keys: 'DNS o x', description: 'toggle proxied / delete every record of the name'},
	{keys: 'DNS u', description: 'point A records of hosts at a new IP (DIUP)', needs: 'hosts-update'},
	{keys: 'Rules x', description: 'remove; / filter; r again', needs: 'rule-listing'},
	{keys: 'Log R', description: 'retry a failed action'},
	{keys: 'dialogs', description: 'y confirms; n / Esc cancels'},
	{keys: '? Esc q', description: 'help / close / quit (also ^C)'},
	{keys: '^L ^Z', description: 'redraw / suspend (fg resumes)'},
];

/** The keys of the API behind the console (without capabilities: v1's), as the help overlay lists them. */
export function keyHelpFor(capabilities?: Capabilities): KeyHelp[] {
	return keyTable
		.filter(entry => (entry.needs === undefined || featureAvailable(entry.needs, capabilities)) && (entry.without === undefined || !featureAvailable(entry.without, capabilities)))
		.map(({keys, description}) => ({keys, description}));
}

/** Every key of the v1 console, as the help overlay and the README list them. */
export const keyHelp: readonly KeyHelp[] = keyHelpFor();

const dashboardActions: Record<string, ActionKey> = {b: 'ban', w: 'whitelist', C: 'challenge', x: 'clear-rule', i: 'lookup'};
const rulesActions: Record<string, ActionKey> = {x: 'rule-remove'};
const dnsActions: Record<string, ActionKey> = {a: 'dns-add', e: 'dns-edit', o: 'dns-proxied', x: 'dns-delete', u: 'dns-update-ip'};
const logActions: Record<string, ActionKey> = {R: 'retry'};
const everywhere: Record<string, ActionKey> = {s: 'security-picker', U: 'attack-toggle', d: 'dev-toggle', c: 'cache-toggle', P: 'purge', '6': 'ipv6-toggle', G: 'snapshot', L: 'lockdown', D: 'drift-revert', E: 'export-report'};

function dialogKey(input: string, key: KeyPress): Command | undefined {
	if (key.escape || input === 'n' || input === 'N') return {type: 'dialog-no'};
	if (input === 'y' || input === 'Y') return {type: 'dialog-yes'};
	// The second way out of a confirmation, on the key it names (u: undo instead, i: IPs instead, a: anyway);
	// t: another duration for a ban.
	if (input === 'u' || input === 'i' || input === 'a' || input === 't') return {type: 'dialog-alt', key: input};
	if (key.return) return {type: 'dialog-enter'};
	if (key.leftArrow || input === 'h') return {type: 'dialog-focus', by: -1};
	if (key.rightArrow || key.tab || input === 'l') return {type: 'dialog-focus', by: 1};
	if (key.upArrow || input === 'k') return {type: 'dialog-move', by: -1};
	if (key.downArrow || input === 'j') return {type: 'dialog-move', by: 1};
	return undefined;
}

function formKey(input: string, key: KeyPress): Command | undefined {
	if (key.escape) return {type: 'dialog-no'};
	if (key.return) return {type: 'dialog-enter'};
	if (key.tab) return {type: 'form-input', input: {type: 'focus', by: key.shift ? -1 : 1}};
	if (key.downArrow) return {type: 'form-input', input: {type: 'focus', by: 1}};
	if (key.upArrow) return {type: 'form-input', input: {type: 'focus', by: -1}};
	if (key.leftArrow) return {type: 'form-input', input: {type: 'switch', by: -1}};
	if (key.rightArrow) return {type: 'form-input', input: {type: 'switch', by: 1}};
	if (key.backspace || key.delete) return {type: 'form-input', input: {type: 'backspace'}};
	if (key.ctrl || input === '') return undefined;
	return {type: 'form-input', input: {type: 'text', text: input}};
}

export function keyToCommand(input: string, key: KeyPress, mode: KeyMode, view: ViewName = 'dashboard'): Command | undefined {
	// Ctrl-C always quits, whatever is open (Ink's own handler is off: exitOnCtrlC false).
	if (key.ctrl && input === 'c') return {type: 'quit'};
	if (mode === 'dialog') return dialogKey(input, key);
	if (mode === 'form') return formKey(input, key);
	if (mode === 'palette') {
		if (key.escape) return {type: 'palette-cancel'};
		if (key.return) return {type: 'palette-run'};
		if (key.backspace || key.delete) return {type: 'palette-backspace'};
		if (key.ctrl || key.tab || input === '') return undefined;
		return {type: 'palette-input', text: input};
	}
	if (mode === 'filter') {
		if (key.escape) return {type: 'filter-cancel'};
		if (key.return) return {type: 'filter-accept'};
		if (key.backspace || key.delete) return {type: 'filter-backspace'};
		if (key.upArrow) return {type: 'move', by: -1};
		if (key.downArrow) return {type: 'move', by: 1};
		if (key.ctrl || key.tab || input === '') return undefined;
		return {type: 'filter-input', text: input};
	}
	if (mode === 'help') {
		if (key.escape || input === '?') return {type: 'close-overlay'};
		if (input === 'q') return {type: 'quit'};
		return undefined;
	}
	if (key.escape) return {type: 'close-overlay'};
	if (key.tab) return {type: 'next-view', by: key.shift ? -1 : 1};
	if (key.downArrow) return {type: 'move', by: 1};
	if (key.upArrow) return {type: 'move', by: -1};
	if (key.pageDown) return {type: 'page', by: 1};
	if (key.pageUp) return {type: 'page', by: -1};
	if (key.home) return {type: 'jump', to: 'first'};
	if (key.end) return {type: 'jump', to: 'last'};
	if (key.ctrl) return undefined;
	const viewActions = view === 'dashboard' ? dashboardActions : view === 'dns' ? dnsActions : view === 'rules' ? rulesActions : logActions;
	const action = viewActions[input] ?? everywhere[input];
	if (action) return {type: 'action', action};
	switch (input) {
		case 'q':
			return {type: 'quit'};
		case 'j':
			return {type: 'move', by: 1};
		case 'k':
			return {type: 'move', by: -1};
		case 'g':
			return {type: 'jump', to: 'first'};
		case 'f':
			return {type: 'cycle-class'};
		case '/':
			return {type: 'start-text-filter'};
		case ':':
			return {type: 'open-palette'};
		case '?':
			return {type: 'toggle-help'};
		case 'z':
			return {type: 'next-zone'};
		case 'r':
			return {type: 'refresh'};
		case 'p':
			return {type: 'toggle-pause'};
		default:
			return undefined;
	}
}

/**
 * Pasted text as text: escape sequences (colours copied from a terminal, a stray Esc) taken out, line
 * breaks at the ends dropped and inside it made spaces, every other control character dropped. Nothing
 * of it can act as Enter, Esc or Tab.
 */
export function pasteText(text: string): string {
	return (
		text
			// CSI (ESC [ … final byte) and OSC (ESC ] … BEL or ESC \), then any other ESC and the byte after it.
			.replace(/\u001b\[[0-?]*[ -/]*[@-~]?/g, '')
			.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
			.replace(/\u001b[\s\S]?/g, '')
			.replace(/^[\r\n]+|[\r\n]+$/g, '')
			.replace(/[\r\n\t\v\f]+/g, ' ')
			.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
	);
}

/**
 * What a paste does in `mode`: text into the palette, the filter or a form's text field, as typed there
 * (a paste never submits); anywhere else nothing, and the reason for the status line. `choiceField`:
 * the form's focused field is a choice, which takes no text.
 */
export function pasteToCommand(text: string, mode: KeyMode, choiceField = false): {command: Command} | {ignored: string} {
	const clean = pasteText(text);
	if (mode === 'palette') return {command: {type: 'palette-input', text: clean}};
	if (mode === 'filter') return {command: {type: 'filter-input', text: clean}};
	if (mode === 'form' && !choiceField) return {command: {type: 'form-input', input: {type: 'text', text: clean}}};
	if (mode === 'form') return {ignored: 'this field is a choice (Space or ←/→ switch it)'};
	if (mode === 'dialog') return {ignored: 'a dialog takes keys pressed one at a time'};
	return {ignored: 'paste into the : palette, the / filter, a DNS form or a reason'};
}
