/** A progress bar for long work, on stderr, only when stderr is a terminal: pipes and logs stay clean. */
export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

const WIDTH = 30;

export const progressBar = (label: string, stream: NodeJS.WriteStream = process.stderr): Progress => {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = '';
  let shown = false;
  return {
    update(done, total) {
      let text: string;
      if (total && total > 0) {
        const ratio = Math.min(1, done / total);
        const filled = Math.round(ratio * WIDTH);
        text = `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}`;
      } else {
        text = `${label} ${done}…`;
      }
      if (text === last) return;
      last = text;
      shown = true;
      stream.write(`\r\u001b[2K${text}`);
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
};
