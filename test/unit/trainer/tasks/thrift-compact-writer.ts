/**
 * The part of Apache Thrift's compact protocol that parquet metadata needs (i32, i64, binary,
 * lists, structs), for writing parquet fixtures in tests without pyarrow.
 * Spec: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */

export type ThriftValue =
  | { type: 'i32'; value: number }
  | { type: 'i64'; value: number | bigint }
  | { type: 'binary'; value: string | Uint8Array }
  | { type: 'list'; elementType: 'i32' | 'binary' | 'struct'; items: ThriftValue[] }
  | { type: 'struct'; fields: ThriftField[] };

/** A struct field: its id and value; fields are written in the order given (ascending ids). */
export type ThriftField = [id: number, value: ThriftValue];

const TYPE_ID = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

export const i32 = (value: number): ThriftValue => ({ type: 'i32', value });
export const i64 = (value: number | bigint): ThriftValue => ({ type: 'i64', value });
export const binary = (value: string | Uint8Array): ThriftValue => ({ type: 'binary', value });
export const struct = (...fields: ThriftField[]): ThriftValue => ({ type: 'struct', fields });
export const list = (elementType: 'i32' | 'binary' | 'struct', items: ThriftValue[]): ThriftValue => ({
  type: 'list',
  elementType,
  items,
});

export class ByteSink {
  private readonly bytes: number[] = [];

  byte(value: number): void {
    this.bytes.push(value & 0xff);
  }

  raw(data: Uint8Array): void {
    for (const value of data) this.bytes.push(value);
  }

  /** Unsigned LEB128. */
  varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
  }

  zigzag(value: number | bigint): void {
    const n = BigInt(value);
    this.varint(n >= 0n ? n << 1n : ((-n) << 1n) - 1n);
  }

  get length(): number {
    return this.bytes.length;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function writeValue(sink: ByteSink, value: ThriftValue): void {
  switch (value.type) {
    case 'i32':
    case 'i64':
      sink.zigzag(value.value);
      return;
    case 'binary': {
      const data = typeof value.value === 'string' ? new TextEncoder().encode(value.value) : value.value;
      sink.varint(BigInt(data.length));
      sink.raw(data);
      return;
    }
    case 'list': {
      const size = value.items.length;
      const elementId = TYPE_ID[value.elementType];
      if (size < 15) sink.byte((size << 4) | elementId);
      else {
        sink.byte(0xf0 | elementId);
        sink.varint(BigInt(size));
      }
      for (const item of value.items) writeValue(sink, item);
      return;
    }
    case 'struct': {
      let lastId = 0;
      for (const [id, field] of value.fields) {
        const delta = id - lastId;
        if (delta > 0 && delta <= 15) sink.byte((delta << 4) | TYPE_ID[field.type]);
        else {
          sink.byte(TYPE_ID[field.type]);
          sink.zigzag(id);
        }
        writeValue(sink, field);
        lastId = id;
      }
      sink.byte(0); // stop field
    }
  }
}

export function encodeStruct(value: ThriftValue): Uint8Array {
  const sink = new ByteSink();
  writeValue(sink, value);
  return sink.toBytes();
}
