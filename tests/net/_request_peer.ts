// A scripted line peer for the Pipeline and Multiplex tests.
import { Framed, LinesCodec } from "@weir/weir/framing";
import type { DuplexStream, Reader, Writer } from "@weir/weir/io";

/** The server end of a duplex, read and written line by line. */
export class LinePeer {
  readonly framed: Framed<string, string>;
  readonly #end: DuplexStream;

  constructor(end: DuplexStream) {
    this.#end = end;
    this.framed = new Framed(end, new LinesCodec());
  }

  /** The next request line (throws at the end of stream). */
  async take(): Promise<string> {
    const result = await this.framed.next();
    if (result.done) throw new Error("the client ended its side");
    return result.value;
  }

  /** The next `n` request lines. */
  async takeMany(n: number): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(await this.take());
    return lines;
  }

  /** Sends reply lines in one write. */
  async reply(...lines: string[]): Promise<void> {
    for (const line of lines) await this.framed.feed(line);
    await this.framed.flush();
  }

  /** Whether the client sent FIN (after everything it sent was taken). */
  async ended(): Promise<boolean> {
    return (await this.framed.next()).done === true;
  }

  close(): void {
    this.#end.close();
  }
}

/** A duplex end that counts the writes it passes on. */
export interface CountedEnd extends Reader, Writer {
  writes: number;
  closeWrite(): Promise<void>;
  close(): void;
}

/** Counts the writes a transport passes on. */
export function countingWrites(end: DuplexStream): CountedEnd {
  const counted: CountedEnd = {
    writes: 0,
    read: (p) => end.read(p),
    write: (p) => {
      counted.writes++;
      return end.write(p);
    },
    closeWrite: () => end.closeWrite(),
    close: () => end.close(),
  };
  return counted;
}
