import { connect } from 'node:net';

/** What came back on a raw connection: the status line's code, headers, body, and whether the server closed it. */
export type RawAnswer = { status: number; headers: Record<string, string>; body: string; closed: boolean };

/**
 * Sends bytes as they are on a fresh TCP connection (no client library to fix them up) and reads
 * one HTTP/1.1 answer. The connection stays open after the bytes, as a client whose request is
 * not finished (a body still to come) would leave it: the answer comes from the server alone.
 */
export function rawExchange(url: string, bytes: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let answer: RawAnswer | null = null;
    const parse = (): RawAnswer | null => {
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return null;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? Number.NaN);
      const body = received.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
      if (Number.isFinite(length) && body.length < length) return null;
      return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8'), closed: false };
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      answer ??= parse();
      // Keep reading until the server closes or the answer is complete on a kept-alive connection.
      if (answer !== null && answer.headers.connection !== 'close') {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('close', () => {
      answer ??= parse();
      if (answer === null) return reject(new Error(`no HTTP answer: ${JSON.stringify(received.toString('latin1'))}`));
      resolve({ ...answer, closed: answer.headers.connection === 'close' });
    });
    socket.on('error', (error) => (answer === null ? reject(error) : resolve(answer)));
    socket.write(bytes);
  });
}
