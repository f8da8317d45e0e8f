import {Box} from 'ink';
import {Fragment} from 'react';
import {Table} from 'ink-table';

type Row = Record<string, string>;

/**
 * ink-table draws a separator line between every pair of rows, which doubles the height of a small
 * table on a 24-row screen. This keeps its borders, heading and column sizing but drops the
 * separators between data rows.
 */
export class CompactTable extends Table<Row> {
	override render() {
		const columns = this.getColumns();
		const headings = this.getHeadings();
		return (
			<Box flexDirection="column">
				{this.header({key: 'header', columns, data: {}})}
				{this.heading({key: 'heading', columns, data: headings})}
				{this.separator({key: 'separator', columns, data: {}})}
				{this.props.data.map((row, index) => (
					<Fragment key={`row-${index}`}>{this.data({key: `row-${index}`, columns, data: row})}</Fragment>
				))}
				{this.footer({key: 'footer', columns, data: {}})}
			</Box>
		);
	}
}
