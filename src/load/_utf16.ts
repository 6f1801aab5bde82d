import { StringDecoder } from 'node:string_decoder';

/**
 * The UTF-16 a file's byte order mark names (Notepad's and Excel's "Unicode" exports), or
 * undefined: such files are read as written, not as UTF-8 or Windows-1252.
 */
export function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Text from a byte stream split anywhere: UTF-16 when it starts with that byte order mark, else UTF-8. */
export async function* decodedChunks(chunks: AsyncIterable<Buffer>): AsyncIterable<string> {
  let decode: ((bytes: Buffer) => string) | undefined;
  let finish: (() => string) | undefined;
  let head: Buffer = Buffer.alloc(0);
  const choose = () => {
    const utf16 = utf16Encoding(head);
    if (utf16) {
      const decoder = new TextDecoder(utf16);
      decode = (bytes) => decoder.decode(bytes, { stream: true });
      finish = () => decoder.decode();
    } else {
      const decoder = new StringDecoder('utf8');
      decode = (bytes) => decoder.write(bytes);
      finish = () => decoder.end();
    }
    return decode(head);
  };
  for await (const chunk of chunks) {
    if (decode) {
      yield decode(chunk);
      continue;
    }
    // Two bytes tell the byte order mark.
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    if (head.length >= 2) yield choose();
  }
  if (!decode) yield choose();
  yield finish!();
}
