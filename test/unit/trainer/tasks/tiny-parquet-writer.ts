/**
 * Writes a small, valid parquet file — one row group, one uncompressed PLAIN data page per column,
 * flat columns of text, INT64 or DOUBLE, nullable where a value is `null` — so tests can build
 * hub-layout fixtures without pyarrow. Format: https://github.com/apache/parquet-format
 */
import { binary, ByteSink, encodeStruct, i32, i64, list, struct, type ThriftValue } from './thrift-compact-writer.ts';

export type ParquetColumn =
  | { name: string; type: 'string'; values: (string | null)[] }
  | { name: string; type: 'int64'; values: (bigint | null)[] }
  | { name: string; type: 'double'; values: (number | null)[] };

const PHYSICAL_TYPE = { int64: 2, double: 5, string: 6 } as const; // INT64, DOUBLE, BYTE_ARRAY
const PLAIN = 0;
const RLE = 3;
const UTF8 = 0; // ConvertedType
const REQUIRED = 0;
const OPTIONAL = 1;

function plainValues(column: ParquetColumn): Uint8Array {
  const sink = new ByteSink();
  const scratch = new DataView(new ArrayBuffer(8));
  for (const value of column.values) {
    if (value === null) continue;
    if (typeof value === 'string') {
      const data = new TextEncoder().encode(value);
      scratch.setUint32(0, data.length, true);
      sink.raw(new Uint8Array(scratch.buffer, 0, 4));
      sink.raw(data);
    } else if (typeof value === 'bigint') {
      scratch.setBigInt64(0, value, true);
      sink.raw(new Uint8Array(scratch.buffer, 0, 8));
    } else {
      scratch.setFloat64(0, value, true);
      sink.raw(new Uint8Array(scratch.buffer, 0, 8));
    }
  }
  return sink.toBytes();
}

/** Definition levels (1 = present) as the RLE/bit-packed hybrid with bit width 1, length-prefixed. */
function definitionLevels(values: readonly unknown[]): Uint8Array {
  const runs = new ByteSink();
  let index = 0;
  while (index < values.length) {
    const present = values[index] !== null;
    let end = index;
    while (end < values.length && (values[end] !== null) === present) end += 1;
    runs.varint(BigInt(end - index) << 1n); // an RLE run: count << 1, then the value in one byte
    runs.byte(present ? 1 : 0);
    index = end;
  }
  const body = runs.toBytes();
  const framed = new ByteSink();
  const length = new DataView(new ArrayBuffer(4));
  length.setUint32(0, body.length, true);
  framed.raw(new Uint8Array(length.buffer));
  framed.raw(body);
  return framed.toBytes();
}

export function writeParquet(columns: readonly ParquetColumn[]): Uint8Array {
  const numRows = columns[0]?.values.length ?? 0;
  const file = new ByteSink();
  file.raw(new TextEncoder().encode('PAR1'));
  const chunks: ThriftValue[] = [];
  const schema: ThriftValue[] = [struct([4, binary('schema')], [5, i32(columns.length)])];
  let rowGroupBytes = 0;
  for (const column of columns) {
    const isOptional = column.values.some((value) => value === null);
    const levels = isOptional ? definitionLevels(column.values) : new Uint8Array();
    const values = plainValues(column);
    const pageSize = levels.length + values.length;
    const header = encodeStruct(
      struct(
        [1, i32(0)], // DATA_PAGE
        [2, i32(pageSize)],
        [3, i32(pageSize)],
        [5, struct([1, i32(column.values.length)], [2, i32(PLAIN)], [3, i32(RLE)], [4, i32(RLE)])],
      ),
    );
    const offset = file.length;
    file.raw(header);
    file.raw(levels);
    file.raw(values);
    const chunkBytes = header.length + pageSize;
    rowGroupBytes += chunkBytes;
    const meta = struct(
      [1, i32(PHYSICAL_TYPE[column.type])],
      [2, list('i32', [i32(PLAIN), i32(RLE)])],
      [3, list('binary', [binary(column.name)])],
      [4, i32(0)], // UNCOMPRESSED
      [5, i64(column.values.length)],
      [6, i64(chunkBytes)],
      [7, i64(chunkBytes)],
      [9, i64(offset)],
    );
    chunks.push(struct([2, i64(offset)], [3, meta]));
    const element: [number, ThriftValue][] = [
      [1, i32(PHYSICAL_TYPE[column.type])],
      [3, i32(isOptional ? OPTIONAL : REQUIRED)],
      [4, binary(column.name)],
    ];
    if (column.type === 'string') element.push([6, i32(UTF8)]);
    schema.push(struct(...element));
  }
  const footer = encodeStruct(
    struct(
      [1, i32(1)],
      [2, list('struct', schema)],
      [3, i64(numRows)],
      [4, list('struct', [struct([1, list('struct', chunks)], [2, i64(rowGroupBytes)], [3, i64(numRows)])])],
      [6, binary('rollcall tiny-parquet-writer')],
    ),
  );
  file.raw(footer);
  const length = new DataView(new ArrayBuffer(4));
  length.setUint32(0, footer.length, true);
  file.raw(new Uint8Array(length.buffer));
  file.raw(new TextEncoder().encode('PAR1'));
  return file.toBytes();
}
