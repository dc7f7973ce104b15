import { connect } from 'node:net';

/**
 * Sends raw bytes to 127.0.0.1:`port`, as curl --path-as-is or a broken client would (no URL
 * normalisation, any request line), and answers the status and the JSON body.
 */
export const rawJsonRequest = (port: number, request: string | Buffer): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      let body = text.slice(split + 4);
      // A chunked body: its chunks' data, without their sizes.
      if (/transfer-encoding: chunked/i.test(head))
        body = body
          .split('\r\n')
          .filter((_, i) => i % 2 === 1)
          .join('');
      try {
        resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) as unknown });
      } catch (error) {
        reject(new Error(`Not a JSON answer: ${text.slice(0, 300)}`, { cause: error }));
      }
    });
  });
