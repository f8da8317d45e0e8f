/**
 * One step of the randomized session (session.test.ts, ink-output.test.ts): numbers tick, colours
 * change, wide text, a scrolling chart, a list growing and shrinking, an overlay, a banner.
 */
import type {SessionModel} from './fixtures.js';

const palette = ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'redBright', '#ff8800', '#00aaff', 'ansi256(208)', 'ansi256(33)'];
const widePieces = ['東京', 'ステータス', '🔥', '中文字符', 'abc', ' ', '—', 'été', 'ok ✓', '🚀 up', 'ｆｕｌｌ'];
const words = ['192.0.2.14', 'blocked', 'challenge', 'whitelist', 'example.com', 'GET /login', '403', 'threat score 87', 'cn', 'ru', 'us'];

export function step(model: SessionModel, random: () => number, frame: number): SessionModel {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const next: SessionModel = {...model, counter: model.counter + 1};
	if (random() < 0.5) next.numbers = model.numbers.map(number => (random() < 0.3 ? Math.floor(random() * 10 ** (1 + Math.floor(random() * 6))) : number));
	if (random() < 0.2) next.colors = model.colors.map(color => (random() < 0.4 ? pick(palette) : color));
	if (random() < 0.25) next.wideText = Array.from({length: 1 + Math.floor(random() * 12)}, () => pick(widePieces)).join('');
	if (random() < 0.4) next.chart = [...model.chart, Math.round(random() * 100)].slice(-200);
	if (random() < 0.3) {
		const length = Math.max(0, model.list.length + Math.floor(random() * 7) - 3);
		next.list = Array.from({length}, (_, index) => (index < model.list.length && random() < 0.7 ? model.list[index] : {
			text: Array.from({length: 1 + Math.floor(random() * 6)}, () => pick(words)).join(' '),
			style: Math.floor(random() * 8),
		}));
	}
	if (random() < 0.1) {
		next.overlay = model.overlay ? undefined : {
			title: `Block ${pick(words)}? ${frame}`,
			x: Math.floor(random() * Math.max(1, model.cols - 30)),
			y: Math.floor(random() * Math.max(1, model.rows - 8)),
			width: Math.min(model.cols, 24 + Math.floor(random() * 10)),
		};
	}
	if (random() < 0.05) next.bannerBackground = model.bannerBackground ? undefined : pick(['blue', '#333333', 'ansi256(236)']);
	return next;
}

