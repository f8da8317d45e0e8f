/**
 * Ink trees for the output-layer tests and bench: a dashboard shaped like the console's (header with
 * a dev-mode countdown, traffic numbers, a chart, a visitors table, a status line) and a "session"
 * view whose every part the randomized test can vary. Built with createElement so the bench (.ts)
 * can share them; Ink is passed in because it must be imported after the environment is set.
 */
import {createElement as h, type ReactElement} from 'react';
import asciichart from 'asciichart';
import type {InkModule} from './load-ink.js';

/** mulberry32: small, seedable, good enough to pick test cases. */
export function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6D2B79F5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** What the dashboard shows; the bench changes `countdown` every second and the rest on each poll. */
export interface DashboardModel {
	cols: number;
	rows: number;
	countdown: number;
	requests: number;
	threats: number;
	bandwidthMb: number;
	chart: number[];
	visitors: Array<{ip: string; hits: number; country: string}>;
}

const pad = (text: string, width: number) => text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
const clock = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

/** The demo dashboard, exactly rows − 1 lines tall (a full-height frame makes Ink clear the screen). */
export function dashboard(ink: InkModule, model: DashboardModel): ReactElement {
	const {Box, Text} = ink;
	const chartHeight = Math.max(3, Math.floor((model.rows - 12) / 2));
	const chartLines = asciichart.plot(model.chart.slice(-(model.cols - 14)), {height: chartHeight - 1}).split('\n');
	const tableRows = Math.max(1, model.rows - 1 - 2 - 3 - chartLines.length - 2 - 1 - 1);
	return h(Box, {flexDirection: 'column', width: model.cols, height: model.rows - 1},
		h(Box, {borderStyle: 'round', borderColor: 'cyan', paddingX: 1, justifyContent: 'space-between'},
			h(Text, {bold: true, color: 'cyan'}, 'flarewatch'),
			h(Text, null, 'example.com  security: ', h(Text, {color: 'yellow'}, 'high')),
			h(Text, {color: model.countdown < 600 ? 'red' : 'green'}, `dev mode ${clock(model.countdown)}`)),
		h(Box, {gap: 3, paddingX: 1},
			h(Text, null, 'requests ', h(Text, {bold: true}, model.requests.toLocaleString('en-US'))),
			h(Text, null, 'threats ', h(Text, {bold: true, color: 'red'}, String(model.threats))),
			h(Text, null, 'bandwidth ', h(Text, {bold: true}, `${model.bandwidthMb.toFixed(1)} MB`))),
		h(Box, {flexDirection: 'column', paddingX: 1},
			...chartLines.map((line, index) => h(Text, {key: index, color: 'green', wrap: 'truncate'}, line))),
		h(Box, {flexDirection: 'column', borderStyle: 'single', borderColor: 'gray', flexGrow: 1, overflow: 'hidden'},
			h(Text, {bold: true, underline: true}, pad('IP', 18) + pad('hits', 8) + 'country'),
			...model.visitors.slice(0, tableRows).map((visitor, index) => h(Text, {key: visitor.ip, inverse: index === 0, wrap: 'truncate'},
				pad(visitor.ip, 18) + pad(String(visitor.hits), 8) + visitor.country))),
		h(Text, {dimColor: true, wrap: 'truncate'}, 'q quit  s security level  d dev mode  b block  ? help'));
}

/** Everything the randomized session can vary. */
export interface SessionModel {
	cols: number;
	rows: number;
	counter: number;
	numbers: number[];
	colors: string[];
	wideText: string;
	list: Array<{text: string; style: number}>;
	chart: number[];
	overlay?: {title: string; x: number; y: number; width: number};
	bannerBackground?: string;
}

/** A screen that exercises colours, attributes, wide characters, a chart, a list and an overlay. */
export function sessionView(ink: InkModule, model: SessionModel): ReactElement {
	const {Box, Text} = ink;
	const chartLines = model.chart.length > 1 ? asciichart.plot(model.chart.slice(-(model.cols - 12)), {height: 4}).split('\n') : [];
	const room = Math.max(0, model.rows - 1 - 3 - chartLines.length - 2);
	return h(Box, {flexDirection: 'column', width: model.cols, height: Math.min(model.rows - 1, 3 + chartLines.length + 2 + Math.min(room, model.list.length))},
		h(Text, {wrap: 'truncate', backgroundColor: model.bannerBackground}, `tick ${model.counter} `, h(Text, {color: model.colors[0], bold: true}, String(model.numbers[0]))),
		h(Box, {gap: 1},
			...model.numbers.slice(1).map((number, index) => h(Text, {key: index, color: model.colors[(index + 1) % model.colors.length], italic: index % 3 === 0}, String(number)))),
		h(Text, {wrap: 'truncate'}, model.wideText),
		...chartLines.map((line, index) => h(Text, {key: `c${index}`, color: 'green', wrap: 'truncate'}, line)),
		h(Box, {flexDirection: 'column', borderStyle: 'single'},
			...model.list.slice(0, room).map((item, index) => h(Text, {
				key: index,
				wrap: 'truncate',
				inverse: item.style === 1,
				dimColor: item.style === 2,
				underline: item.style === 3,
				strikethrough: item.style === 4,
				color: item.style === 5 ? '#ff8800' : item.style === 6 ? 'ansi256(141)' : undefined,
			}, item.text))),
		model.overlay ? h(Box, {
			position: 'absolute', marginLeft: model.overlay.x, marginTop: model.overlay.y, width: model.overlay.width,
			borderStyle: 'double', borderColor: 'yellow', flexDirection: 'column',
		},
		h(Text, {bold: true, backgroundColor: 'blue', color: 'white', wrap: 'truncate'}, model.overlay.title),
		h(Text, {wrap: 'truncate'}, 'y confirm   n cancel')) : null);
}
