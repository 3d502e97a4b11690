/** One row read from a task source, before the field mapping makes it a task. */
export type SourceRow = {
  /** Column values, already plain JSON. */
  values: Record<string, unknown>;
  /** Where the row came from, for error messages: `train.jsonl:12`, `train-00000-of-00001.parquet row 7`. */
  where: string;
  /** The id a task gets when the mapping names no id column. */
  defaultId: string;
};
