/** Markdown helpers for bench/results.md. */

export interface Section {
  readonly title: string;
  readonly body: string;
}

export const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

export const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
};

export const yesNo = (ok: boolean): string => (ok ? 'met' : '**not met**');
